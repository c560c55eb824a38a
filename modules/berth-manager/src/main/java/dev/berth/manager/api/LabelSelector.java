package dev.berth.manager.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed label selector ({@code app=web,tier!=db,canary,!legacy}): a conjunction of
 * requirements on an object's labels. Pure; used by lists and watches.
 *
 * @param requirements every requirement, all of which must hold; empty matches everything
 */
public record LabelSelector(List<Requirement> requirements) {

    /** The selector that matches every object. */
    public static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    // Label keys as Validation accepts them, and values without the operator characters.
    private static final Pattern KEY =
            Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

    public LabelSelector {
        requirements = List.copyOf(requirements);
    }

    /** How a requirement compares a label. */
    public enum Operator { EQUALS, NOT_EQUALS, EXISTS, NOT_EXISTS }

    /**
     * One requirement on one label.
     *
     * @param key the label key
     * @param operator the comparison
     * @param value the value compared with; empty for EXISTS and NOT_EXISTS
     */
    public record Requirement(String key, Operator operator, String value) {

        /** Whether {@code labels} satisfy this requirement. */
        public boolean matches(Map<String, String> labels) {
            String actual = labels.get(key);
            switch (operator) {
                case EQUALS:
                    return value.equals(actual);
                case NOT_EQUALS:
                    // as in Kubernetes: an object without the label satisfies key!=value
                    return !value.equals(actual);
                case EXISTS:
                    return actual != null;
                case NOT_EXISTS:
                    return actual == null;
                default:
                    throw new IllegalStateException(operator.toString());
            }
        }
    }

    /**
     * Parses {@code key=value}, {@code key==value}, {@code key!=value}, {@code key} and
     * {@code !key}, separated by commas. Blank text selects everything.
     *
     * @throws IllegalArgumentException saying which requirement is wrong and why
     */
    public static LabelSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> out = new ArrayList<>();
        for (String raw : text.split(",", -1)) {
            String part = raw.strip();
            if (part.isEmpty()) {
                throw new IllegalArgumentException("empty requirement in \"" + text + "\"");
            }
            out.add(requirement(part));
        }
        return new LabelSelector(out);
    }

    private static Requirement requirement(String part) {
        int ne = part.indexOf("!=");
        if (ne >= 0) {
            return new Requirement(key(part.substring(0, ne), part), Operator.NOT_EQUALS,
                    value(part.substring(ne + 2), part));
        }
        int eq = part.indexOf('=');
        if (eq >= 0) {
            String rest = part.substring(eq + 1);
            if (rest.startsWith("=")) {
                rest = rest.substring(1);
            }
            return new Requirement(key(part.substring(0, eq), part), Operator.EQUALS, value(rest, part));
        }
        if (part.startsWith("!")) {
            return new Requirement(key(part.substring(1), part), Operator.NOT_EXISTS, "");
        }
        return new Requirement(key(part, part), Operator.EXISTS, "");
    }

    private static String key(String key, String part) {
        String k = key.strip();
        if (k.isEmpty() || k.length() > 253 || !KEY.matcher(k).matches()) {
            throw new IllegalArgumentException("invalid label key \"" + k + "\" in \"" + part
                    + "\": expected key=value, key!=value, key or !key");
        }
        return k;
    }

    private static String value(String value, String part) {
        String v = value.strip();
        if (v.length() > 253 || !VALUE.matcher(v).matches()) {
            throw new IllegalArgumentException("invalid label value \"" + v + "\" in \"" + part
                    + "\": letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
        }
        return v;
    }

    /** Whether every requirement holds for {@code labels}. */
    public boolean matches(Map<String, String> labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** Whether this selector matches everything. */
    public boolean isEmpty() {
        return requirements.isEmpty();
    }
}
