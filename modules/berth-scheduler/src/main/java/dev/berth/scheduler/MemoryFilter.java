package dev.berth.scheduler;

import dev.berth.api.Task;

/**
 * Keeps a task off nodes whose memory left unreserved (what the node offers minus what its tasks
 * reserve) is less than the task reserves. Only reservations count, never limits: the scheduler
 * never over-commits what tasks were promised.
 */
public final class MemoryFilter implements Filter {

    @Override
    public boolean enabled(Task task) {
        return reservation(task) > 0;
    }

    @Override
    public boolean check(Task task, NodeInfo node) {
        return reservation(task) <= node.availableMemoryBytes();
    }

    @Override
    public String explain(int nodeCount) {
        return Filter.nodes(nodeCount) + " insufficient memory";
    }

    private static long reservation(Task task) {
        return task.spec().template().resources().reservations().memory().bytes();
    }
}
