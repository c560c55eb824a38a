package dev.berth.api;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A placement constraint such as {@code node.labels.zone == a} or {@code node.role != manager}.
 *
 * @param attribute what is compared: {@code node.id}, {@code node.hostname}, {@code node.role},
 *     {@code node.platform.os} or {@code node.labels.<key>}
 * @param equal true for {@code ==}, false for {@code !=}
 * @param value the value compared with (exact, case-sensitive, as in Swarm)
 */
public record Constraint(String attribute, boolean equal, String value) {

    private static final Pattern FORMAT = Pattern.compile("\\s*([A-Za-z0-9_.\\-/]+)\\s*(==|!=)\\s*(\\S+)\\s*");
    private static final String LABEL_PREFIX = "node.labels.";
    /**
     * What {@code node.platform.os} is on every node: the agent drives Docker on Linux only (it
     * programs iptables), so no node reports anything else. Accepted because Swarm stacks often say
     * {@code node.platform.os == linux}.
     */
    public static final String PLATFORM_OS = "linux";

    /**
     * Parses a constraint.
     *
     * @throws IllegalArgumentException saying what is accepted
     */
    public static Constraint parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected \"ATTRIBUTE == VALUE\" or \"ATTRIBUTE != VALUE\", got \""
                    + text + "\"");
        }
        String attribute = m.group(1);
        boolean known = switch (attribute) {
            case "node.id", "node.hostname", "node.role", "node.platform.os" -> true;
            default -> attribute.startsWith(LABEL_PREFIX) && attribute.length() > LABEL_PREFIX.length();
        };
        if (!known) {
            throw new IllegalArgumentException("unknown attribute \"" + attribute
                    + "\": use node.id, node.hostname, node.role, node.platform.os or node.labels.<key>");
        }
        return new Constraint(attribute, m.group(2).equals("=="), m.group(3));
    }

    /** Whether {@code node} satisfies this constraint. A missing label never equals a value. */
    public boolean matches(Node node) {
        Optional<String> actual = attributeOf(node, attribute);
        boolean same = actual.map(value::equals).orElse(false);
        return equal == same;
    }

    /** The value of {@code attribute} on {@code node}, if it has one. */
    public static Optional<String> attributeOf(Node node, String attribute) {
        return switch (attribute) {
            case "node.id" -> Optional.of(node.id());
            case "node.hostname" -> Optional.of(node.status().hostname());
            case "node.role" -> Optional.of(node.spec().role().value());
            case "node.platform.os" -> Optional.of(PLATFORM_OS);
            default -> attribute.startsWith(LABEL_PREFIX)
                    ? Optional.ofNullable(node.metadata().labels().get(attribute.substring(LABEL_PREFIX.length())))
                    : Optional.empty();
        };
    }

    @Override
    public String toString() {
        return attribute + (equal ? " == " : " != ") + value;
    }
}
