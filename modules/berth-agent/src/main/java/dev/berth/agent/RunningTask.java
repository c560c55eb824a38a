package dev.berth.agent;

import dev.berth.api.Task;

/**
 * A task running on this node, as told to a {@link LocalTasksListener}.
 *
 * @param task the task as last assigned (its template carries the published ports)
 * @param containerIp the container's address on its network; empty when it has none
 * @param containerId the container that runs it
 */
public record RunningTask(Task task, String containerIp, String containerId) {

    public RunningTask {
        containerIp = containerIp == null ? "" : containerIp;
        containerId = containerId == null ? "" : containerId;
    }

    /** A running task whose container id does not matter (tests, fakes). */
    public RunningTask(Task task, String containerIp) {
        this(task, containerIp, "");
    }
}
