package dev.berth.api;

/**
 * Cluster-wide settings.
 *
 * @param taskHistoryLimit old tasks kept per slot (Swarm's default: 5)
 * @param dispatcher failure-detection timings: heartbeats, and when a silent node is down
 */
public record ClusterSpec(Integer taskHistoryLimit, DispatcherSpec dispatcher) {

    public static final ClusterSpec DEFAULT = new ClusterSpec(null, null);

    public ClusterSpec {
        taskHistoryLimit = taskHistoryLimit == null ? 5 : taskHistoryLimit;
        dispatcher = dispatcher == null ? DispatcherSpec.DEFAULT : dispatcher;
    }

    /** Settings with this task history limit and the default timings. */
    public ClusterSpec(Integer taskHistoryLimit) {
        this(taskHistoryLimit, null);
    }
}
