package dev.berth.scheduler;

import dev.berth.api.Task;

/**
 * Prefers the node running the fewest tasks overall, of every service: among nodes equal for the
 * service, the least loaded one gets the task.
 */
public final class TotalTasksScorer implements Scorer {

    @Override
    public int compare(Task task, NodeInfo a, NodeInfo b, NodeSet nodes) {
        return Integer.compare(a.taskCount(), b.taskCount());
    }
}
