package dev.berth.manager.api;

import java.util.Optional;

/** What {@code GET /api/v1/info} reports about the cluster and this manager; read per request. */
public interface ClusterInfo {

    /** The cluster's id (from the {@code default} Cluster object). */
    String clusterId();

    /** The node id of the manager serving the request. */
    String managerNodeId();

    /** The node id of the manager running the controllers, if one is elected. */
    Optional<String> leader();
}
