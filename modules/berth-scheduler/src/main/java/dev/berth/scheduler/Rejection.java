package dev.berth.scheduler;

import dev.berth.api.Task;

/**
 * A task the {@link Planner} could not place, and why, in Swarm's words: for a task free to go
 * anywhere {@code no suitable node (1 node not available for new tasks; 2 nodes insufficient
 * memory)}, or just {@code no suitable node} in a cluster without nodes; for a task pinned to one
 * node (a global service's) only the explanation, e.g. {@code 1 node insufficient memory}.
 *
 * @param task the pending task, unchanged
 * @param reason the sentence to show in the task's {@code status.error}
 */
public record Rejection(Task task, String reason) {
}
