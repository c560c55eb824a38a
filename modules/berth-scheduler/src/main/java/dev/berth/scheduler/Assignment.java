package dev.berth.scheduler;

import dev.berth.api.Task;

/**
 * A task the {@link Planner} placed on a node.
 *
 * @param task the pending task, unchanged (the caller writes {@code spec.nodeId} and the state)
 * @param nodeId the node chosen for it
 */
public record Assignment(Task task, String nodeId) {
}
