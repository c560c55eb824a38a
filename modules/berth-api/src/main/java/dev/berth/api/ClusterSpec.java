package dev.berth.api;

/**
 * Cluster-wide settings.
 *
 * @param taskHistoryLimit old tasks kept per slot (Swarm's default: 5)
 */
public record ClusterSpec(Integer taskHistoryLimit) {

    public static final ClusterSpec DEFAULT = new ClusterSpec(null);

    public ClusterSpec {
        taskHistoryLimit = taskHistoryLimit == null ? 5 : taskHistoryLimit;
    }
}
