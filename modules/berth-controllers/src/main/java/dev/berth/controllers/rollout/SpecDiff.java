package dev.berth.controllers.rollout;

import dev.berth.api.ServiceSpec;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What changed between two service specs, in one line for {@code rollout history}:
 * {@code image: a:1 -> a:2; env: +DEBUG, -OLD}. Pure.
 */
public final class SpecDiff {

    private SpecDiff() {
    }

    /**
     * The changes from {@code before} to {@code after}, field by field in the spec's order; scalar
     * values are shown, collections and nested objects by name (env by key). "no change" when
     * they are equal.
     */
    public static String describe(ServiceSpec before, ServiceSpec after) {
        List<String> changes = new ArrayList<>();
        for (RecordComponent field : ServiceSpec.class.getRecordComponents()) {
            Object a = value(field, before);
            Object b = value(field, after);
            if (Objects.equals(a, b)) {
                continue;
            }
            String name = field.getName();
            if (name.equals("forceUpdate")) {
                changes.add("restart (forceUpdate " + a + " -> " + b + ")");
            } else if (name.equals("env")) {
                changes.add("env: " + envChange(before.env(), after.env()));
            } else if (isScalar(a) && isScalar(b)) {
                changes.add(name + ": " + a + " -> " + b);
            } else {
                changes.add(name + " changed");
            }
        }
        return changes.isEmpty() ? "no change" : String.join("; ", changes);
    }

    private static String envChange(Map<String, String> before, Map<String, String> after) {
        List<String> parts = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            if (!before.containsKey(key)) {
                parts.add("+" + key);
            } else if (!after.containsKey(key)) {
                parts.add("-" + key);
            } else if (!before.get(key).equals(after.get(key))) {
                parts.add("~" + key);
            }
        }
        return String.join(", ", parts);
    }

    private static boolean isScalar(Object value) {
        return value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || value instanceof java.time.Duration;
    }

    private static Object value(RecordComponent field, ServiceSpec spec) {
        try {
            Object value = field.getAccessor().invoke(spec);
            return value instanceof java.time.Duration d ? dev.berth.api.Durations.format(d) : value;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read ServiceSpec." + field.getName(), e);
        }
    }
}
