package dev.berth.api;

/**
 * What a task is meant to be: which service and slot it belongs to, where it runs and what its
 * container looks like.
 *
 * @param serviceName the owning service
 * @param serviceUid the owning service's uid, so a task of a deleted-and-recreated service is
 *     told apart
 * @param slot the replica slot (1-based) of a replicated service; 0 for global services
 * @param nodeId the node the task runs on; empty until scheduled (global tasks are created with
 *     it)
 * @param desiredState RUNNING while the task should run, SHUTDOWN once it should stop
 * @param template the container's shape, copied from the service spec
 */
public record TaskSpec(String serviceName, String serviceUid, int slot, String nodeId,
        TaskState desiredState, TaskTemplate template) {

    public TaskSpec {
        serviceName = serviceName == null ? "" : serviceName;
        serviceUid = serviceUid == null ? "" : serviceUid;
        nodeId = nodeId == null ? "" : nodeId;
        desiredState = desiredState == null ? TaskState.RUNNING : desiredState;
        template = template == null ? ServiceSpec.ofImage("").taskTemplate() : template;
    }

    public TaskSpec withNodeId(String newNodeId) {
        return new TaskSpec(serviceName, serviceUid, slot, newNodeId, desiredState, template);
    }

    public TaskSpec withDesiredState(TaskState newDesiredState) {
        return new TaskSpec(serviceName, serviceUid, slot, nodeId, newDesiredState, template);
    }
}
