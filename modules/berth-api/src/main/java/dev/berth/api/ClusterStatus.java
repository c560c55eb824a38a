package dev.berth.api;

/**
 * What the managers report about the cluster.
 *
 * @param leader the node id of the manager whose controllers run; empty while there is none
 */
public record ClusterStatus(String leader) {

    public static final ClusterStatus EMPTY = new ClusterStatus("");

    public ClusterStatus {
        leader = leader == null ? "" : leader;
    }
}
