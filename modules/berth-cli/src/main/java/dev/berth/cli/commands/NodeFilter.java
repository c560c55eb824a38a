package dev.berth.cli.commands;

import dev.berth.api.Node;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The {@code -f KEY=VALUE} filters of {@code node ls} and {@code node ps}, with docker's meaning:
 * values of one key are alternatives (any may match), different keys must all match. Pure.
 *
 * @param terms each key with its values, in the order given
 */
record NodeFilter(Map<String, List<String>> terms) {

    /** Keys {@code node ls} takes. {@code node.label} is docker's name; Berth nodes have one kind of label. */
    static final Set<String> NODE_KEYS = Set.of("id", "name", "role", "availability", "label", "node.label");
    /** Keys {@code node ps} takes. */
    static final Set<String> TASK_KEYS = Set.of("desired-state", "id", "name");

    NodeFilter {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        terms.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        terms = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Parses {@code -f} values.
     *
     * @param allowed the keys this command knows
     * @throws IllegalArgumentException for a value without {@code =}, or an unknown key, or a bad
     *     role, availability or desired state
     */
    static NodeFilter parse(List<String> filters, Set<String> allowed) {
        Map<String, List<String>> terms = new LinkedHashMap<>();
        for (String f : filters) {
            int eq = f.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("bad filter \"" + f + "\": expected KEY=VALUE, e.g. role=worker");
            }
            String key = f.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = f.substring(eq + 1).strip();
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("invalid filter \"" + key + "\": expected one of "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
            checkValue(key, value);
            terms.computeIfAbsent(key.equals("node.label") ? "label" : key, k -> new ArrayList<>()).add(value);
        }
        return new NodeFilter(terms);
    }

    private static void checkValue(String key, String value) {
        switch (key) {
            case "role":
                oneOf(key, value, List.of("manager", "worker"));
                break;
            case "availability":
                oneOf(key, value, List.of("active", "pause", "drain"));
                break;
            case "desired-state":
                oneOf(key, value, List.of("running", "shutdown", "accepted"));
                break;
            case "label":
            case "node.label":
                if (value.isEmpty() || value.startsWith("=")) {
                    throw new IllegalArgumentException("filter " + key + " needs a key: " + key + "=KEY or "
                            + key + "=KEY=VALUE");
                }
                break;
            default:
                break;
        }
    }

    private static void oneOf(String key, String value, List<String> values) {
        if (!values.contains(value.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("invalid value \"" + value + "\" for filter " + key + ": expected "
                    + String.join(", ", values));
        }
    }

    /** Whether {@code node} passes every key. */
    boolean matches(Node node) {
        return all(key -> switch (key) {
            case "id" -> v -> node.id().startsWith(v);
            case "name" -> v -> node.status().hostname().startsWith(v);
            case "role" -> v -> node.spec().role().value().equalsIgnoreCase(v);
            case "availability" -> v -> node.spec().availability().value().equalsIgnoreCase(v);
            case "label" -> v -> hasLabel(node.metadata().labels(), v);
            default -> v -> false;
        });
    }

    /** Whether {@code task} passes every key. */
    boolean matches(Task task) {
        return all(key -> switch (key) {
            case "desired-state" -> v -> desired(task.spec().desiredState(), v);
            case "id" -> v -> task.id().startsWith(v);
            case "name" -> v -> task.displayName().startsWith(v) || task.spec().serviceName().equals(v);
            default -> v -> false;
        });
    }

    private boolean all(java.util.function.Function<String, Predicate<String>> test) {
        for (Map.Entry<String, List<String>> e : terms.entrySet()) {
            Predicate<String> p = test.apply(e.getKey());
            if (e.getValue().stream().noneMatch(p)) {
                return false;
            }
        }
        return true;
    }

    /** {@code label=k} holds when the label is there, {@code label=k=v} when it has that value. */
    static boolean hasLabel(Map<String, String> labels, String term) {
        int eq = term.indexOf('=');
        if (eq < 0) {
            return labels.containsKey(term);
        }
        return term.substring(eq + 1).equals(labels.get(term.substring(0, eq)));
    }

    /** Docker's desired-state filter: running, shutdown (any stop) or accepted. */
    private static boolean desired(TaskState state, String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "running":
                return state == TaskState.RUNNING;
            case "shutdown":
                return state.ordinal() > TaskState.RUNNING.ordinal();
            case "accepted":
                return state == TaskState.ACCEPTED;
            default:
                return false;
        }
    }
}
