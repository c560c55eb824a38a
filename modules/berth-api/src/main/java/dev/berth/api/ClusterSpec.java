package dev.berth.api;

/**
 * Cluster-wide settings.
 *
 * @param taskHistoryLimit old tasks kept per slot (Swarm's default: 5)
 * @param dispatcher failure-detection timings: heartbeats, and when a silent node is down
 * @param network the address plan of the container network and the services' virtual IPs
 */
public record ClusterSpec(Integer taskHistoryLimit, DispatcherSpec dispatcher, NetworkSpec network) {

    public static final ClusterSpec DEFAULT = new ClusterSpec(null, null, null);

    public ClusterSpec {
        taskHistoryLimit = taskHistoryLimit == null ? 5 : taskHistoryLimit;
        dispatcher = dispatcher == null ? DispatcherSpec.DEFAULT : dispatcher;
        network = network == null ? NetworkSpec.DEFAULT : network;
    }

    /** Settings with these timings and the default network. */
    public ClusterSpec(Integer taskHistoryLimit, DispatcherSpec dispatcher) {
        this(taskHistoryLimit, dispatcher, null);
    }

    /** Settings with this task history limit and the default timings. */
    public ClusterSpec(Integer taskHistoryLimit) {
        this(taskHistoryLimit, null, null);
    }
}
