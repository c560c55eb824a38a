package dev.berth.scheduler;

import dev.berth.api.Constraint;
import dev.berth.api.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps a task on the nodes that satisfy all of its placement constraints
 * ({@code node.labels.zone == a}, {@code node.role != manager}, {@code node.id},
 * {@code node.hostname}).
 */
public final class ConstraintFilter implements Filter {

    /**
     * The last constraint list parsed, with its result. A plan checks the tasks of one service
     * (one list) against every node in a row, and parsing on every check would dominate the
     * plan; one immutable entry behind a volatile is enough and stays safe if plans run at once.
     */
    private volatile Parsed last = new Parsed(List.of(), Optional.of(List.of()));

    private record Parsed(List<String> source, Optional<List<Constraint>> constraints) {
    }

    @Override
    public boolean enabled(Task task) {
        return !task.spec().template().placement().constraints().isEmpty();
    }

    @Override
    public boolean check(Task task, NodeInfo node) {
        Optional<List<Constraint>> constraints = parse(task.spec().template().placement().constraints());
        if (constraints.isEmpty()) {
            // Validation rejects bad constraints before they are stored; should one get through
            // anyway, placing the task nowhere (and saying so) is safer than ignoring the rule.
            return false;
        }
        for (Constraint constraint : constraints.get()) {
            if (!constraint.matches(node.node())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String explain(int nodeCount) {
        return "scheduling constraints not satisfied on " + Filter.nodes(nodeCount);
    }

    private Optional<List<Constraint>> parse(List<String> source) {
        Parsed parsed = last;
        if (!parsed.source().equals(source)) {
            parsed = new Parsed(source, parseAll(source));
            last = parsed;
        }
        return parsed.constraints();
    }

    private static Optional<List<Constraint>> parseAll(List<String> source) {
        List<Constraint> constraints = new ArrayList<>(source.size());
        for (String text : source) {
            try {
                constraints.add(Constraint.parse(text));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.of(List.copyOf(constraints));
    }
}
