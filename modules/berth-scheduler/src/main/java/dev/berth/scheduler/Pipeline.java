package dev.berth.scheduler;

import dev.berth.api.Task;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The filters that apply to one task, in order, run against nodes. It stops at the first filter
 * that fails, and counts failures per filter so that a rejection can say why every node was
 * turned down, as swarmkit's {@code pipeline.go} does.
 */
final class Pipeline {

    private final Task task;
    private final List<Filter> checklist;

    /** The pipeline of {@code task}: the filters of {@code filters} that are enabled for it. */
    Pipeline(List<Filter> filters, Task task) {
        this.task = task;
        List<Filter> enabled = new ArrayList<>(filters.size());
        for (Filter filter : filters) {
            if (filter.enabled(task)) {
                enabled.add(filter);
            }
        }
        this.checklist = List.copyOf(enabled);
    }

    /** Whether {@code node} passes every filter. */
    boolean passes(NodeInfo node) {
        return firstFailure(node) < 0;
    }

    /** The index in the checklist of the first filter {@code node} fails, or -1 when it passes all. */
    private int firstFailure(NodeInfo node) {
        for (int i = 0; i < checklist.size(); i++) {
            if (!checklist.get(i).check(task, node)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Why {@code nodes} cannot take the task: for each filter, in pipeline order, the phrase for the
     * nodes it was first to turn down, joined by {@code "; "}. Empty when there are no nodes (or
     * when all pass).
     */
    String explain(Collection<NodeInfo> nodes) {
        int[] failures = new int[checklist.size()];
        for (NodeInfo node : nodes) {
            int failed = firstFailure(node);
            if (failed >= 0) {
                failures[failed]++;
            }
        }
        StringBuilder explanation = new StringBuilder();
        for (int i = 0; i < failures.length; i++) {
            if (failures[i] > 0) {
                if (explanation.length() > 0) {
                    explanation.append("; ");
                }
                explanation.append(checklist.get(i).explain(failures[i]));
            }
        }
        return explanation.toString();
    }
}
