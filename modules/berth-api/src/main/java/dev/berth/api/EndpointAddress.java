package dev.berth.api;

/**
 * One task behind a service: where its container answers.
 *
 * @param ip the container's address on the cluster network
 * @param taskId the task
 * @param nodeId the node it runs on
 * @param ready whether it may receive traffic (running; and healthy once it has a health check)
 */
public record EndpointAddress(String ip, String taskId, String nodeId, boolean ready) {

    public EndpointAddress {
        ip = ip == null ? "" : ip;
        taskId = taskId == null ? "" : taskId;
        nodeId = nodeId == null ? "" : nodeId;
    }
}
