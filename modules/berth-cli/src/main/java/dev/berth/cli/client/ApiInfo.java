package dev.berth.cli.client;

/**
 * What {@code GET /api/v1/info} answers.
 *
 * @param version the manager's version
 * @param clusterId the cluster's id
 * @param managerNodeId the node id of the manager that answered
 * @param leader the node id of the manager running the controllers, empty if none
 */
public record ApiInfo(String version, String clusterId, String managerNodeId, String leader) {

    public ApiInfo {
        version = version == null ? "" : version;
        clusterId = clusterId == null ? "" : clusterId;
        managerNodeId = managerNodeId == null ? "" : managerNodeId;
        leader = leader == null ? "" : leader;
    }
}
