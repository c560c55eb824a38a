package dev.berth.scheduler;

import dev.berth.api.Task;

/**
 * A hard placement rule: one question the planner asks of every node for a task, such as "is
 * the node ready?" or "does it have enough memory left?". Filters are stateless and cheap; the
 * {@link Pipeline} runs them in order, cheapest first, and stops at the first one that fails.
 *
 * <p>The three methods mirror swarmkit's {@code manager/scheduler/filter.go}: a filter that does
 * not apply to a task (no constraints, no reservations) is skipped, so it never costs anything
 * nor shows up in a rejection.
 */
public interface Filter {

    /** Whether this filter applies to {@code task} at all; when false it is skipped. */
    boolean enabled(Task task);

    /** Whether {@code node}, in its current state, can take {@code task}. */
    boolean check(Task task, NodeInfo node);

    /**
     * The phrase for a rejection when this filter was the first to fail on {@code nodeCount}
     * nodes, as Swarm writes it: {@code 2 nodes insufficient memory}.
     */
    String explain(int nodeCount);

    /** {@code 1 node} or {@code 3 nodes}: the counted noun every explanation needs. */
    static String nodes(int count) {
        return count == 1 ? "1 node" : count + " nodes";
    }
}
