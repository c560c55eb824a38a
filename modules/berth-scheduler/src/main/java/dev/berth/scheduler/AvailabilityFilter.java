package dev.berth.scheduler;

import dev.berth.api.NodeAvailability;
import dev.berth.api.Task;

/**
 * Keeps new tasks off nodes an operator paused or drained: only {@code active} nodes take new
 * tasks (Swarm's meaning of availability).
 */
public final class AvailabilityFilter implements Filter {

    @Override
    public boolean enabled(Task task) {
        return true;
    }

    @Override
    public boolean check(Task task, NodeInfo node) {
        return node.node().spec().availability() == NodeAvailability.ACTIVE;
    }

    @Override
    public String explain(int nodeCount) {
        return Filter.nodes(nodeCount) + " not available for new tasks";
    }
}
