package dev.berth.scheduler;

import dev.berth.api.Task;

/**
 * Keeps a task off nodes whose CPUs left unreserved are fewer than the task reserves. It sits
 * after {@link MemoryFilter}, so a node short of both is counted as short of memory.
 */
public final class CpuFilter implements Filter {

    @Override
    public boolean enabled(Task task) {
        return reservation(task) > 0;
    }

    @Override
    public boolean check(Task task, NodeInfo node) {
        return reservation(task) <= node.availableNanoCpus();
    }

    @Override
    public String explain(int nodeCount) {
        return Filter.nodes(nodeCount) + " insufficient CPU";
    }

    private static long reservation(Task task) {
        return NodeInfo.nanoCpus(task.spec().template().resources().reservations().cpus());
    }
}
