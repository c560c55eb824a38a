package dev.berth.scheduler;

import dev.berth.api.Task;

/**
 * Keeps a node from running more than {@code placement.maxReplicasPerNode} tasks of one service.
 * Swarm's explanation has no count, and Berth keeps its words.
 */
public final class MaxReplicasFilter implements Filter {

    @Override
    public boolean enabled(Task task) {
        return max(task) > 0;
    }

    @Override
    public boolean check(Task task, NodeInfo node) {
        return node.serviceTaskCount(task) < max(task);
    }

    @Override
    public String explain(int nodeCount) {
        return "max replicas per node limit exceed";
    }

    private static int max(Task task) {
        return task.spec().template().placement().maxReplicasPerNode();
    }
}
