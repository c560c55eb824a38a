package dev.berth.api;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One kind of {@link ApiObject}: its name in YAML, its plural in URLs and etcd keys, and the
 * aliases the CLI accepts ({@code svc}, {@code no}, ...).
 *
 * @param <T> the record type of the kind
 */
public final class Kind<T extends ApiObject> {

    public static final Kind<Service> SERVICE =
            new Kind<>("Service", "services", "service", List.of("svc"), Service.class, true);
    public static final Kind<Task> TASK =
            new Kind<>("Task", "tasks", "task", List.of(), Task.class, false);
    public static final Kind<Node> NODE =
            new Kind<>("Node", "nodes", "node", List.of("no"), Node.class, true);
    public static final Kind<Cluster> CLUSTER =
            new Kind<>("Cluster", "clusters", "cluster", List.of(), Cluster.class, true);

    public static final Kind<Endpoints> ENDPOINTS =
            new Kind<>("Endpoints", "endpoints", "endpoints", List.of("ep"), Endpoints.class, false);

    public static final Kind<ServiceRevision> SERVICE_REVISION = new Kind<>("ServiceRevision",
            "servicerevisions", "servicerevision", List.of("revision", "revisions", "rev"), ServiceRevision.class,
            false);

    /** Every kind, in the order the CLI lists them. */
    public static final List<Kind<?>> ALL = List.of(SERVICE, TASK, NODE, CLUSTER, ENDPOINTS, SERVICE_REVISION);

    private final String name;
    private final String plural;
    private final String singular;
    private final List<String> aliases;
    private final Class<T> type;
    private final boolean userWritable;

    private Kind(String name, String plural, String singular, List<String> aliases, Class<T> type,
            boolean userWritable) {
        this.name = name;
        this.plural = plural;
        this.singular = singular;
        this.aliases = aliases;
        this.type = type;
        this.userWritable = userWritable;
    }

    /** The value of {@code kind:} in YAML, e.g. {@code Service}. */
    public String name() {
        return name;
    }

    /** The plural used in URLs and etcd keys, e.g. {@code services}. */
    public String plural() {
        return plural;
    }

    /** The lower-case singular, e.g. {@code service} (as in {@code service/whoami}). */
    public String singular() {
        return singular;
    }

    public Class<T> type() {
        return type;
    }

    /**
     * Whether users may create, replace and delete objects of this kind through the API.
     * Tasks are written only by controllers and agents.
     */
    public boolean userWritable() {
        return userWritable;
    }

    /** The kind of this object, typed. */
    @SuppressWarnings("unchecked")
    public static <T extends ApiObject> Kind<T> of(T object) {
        return (Kind<T>) byName(object.kind()).orElseThrow();
    }

    /** The kind whose YAML {@code kind:} value is {@code name} (exact match, as Kubernetes does). */
    public static Optional<Kind<?>> byName(String name) {
        return ALL.stream().filter(k -> k.name.equals(name)).findFirst();
    }

    /**
     * The kind a person means by {@code word}: its name, singular, plural or an alias, in any
     * case ({@code Service}, {@code service}, {@code services}, {@code svc}).
     */
    public static Optional<Kind<?>> parse(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        return ALL.stream()
                .filter(k -> k.singular.equals(w) || k.plural.equals(w) || k.aliases.contains(w))
                .findFirst();
    }

    /** What {@link #parse} accepts, for error messages. */
    public static String accepted() {
        return String.join(", ", ALL.stream().map(Kind::plural).toList());
    }

    @Override
    public String toString() {
        return name;
    }
}
