package dev.berth.scheduler;

import dev.berth.api.NodeState;
import dev.berth.api.Task;

/**
 * Keeps tasks off nodes that are not {@code ready}: down, disconnected or never heard from. No
 * agent there would pick the task up.
 */
public final class ReadyFilter implements Filter {

    @Override
    public boolean enabled(Task task) {
        return true;
    }

    @Override
    public boolean check(Task task, NodeInfo node) {
        return node.node().status().state() == NodeState.READY;
    }

    @Override
    public String explain(int nodeCount) {
        return Filter.nodes(nodeCount) + " not ready";
    }
}
