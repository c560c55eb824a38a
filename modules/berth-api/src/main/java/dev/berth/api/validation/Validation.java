package dev.berth.api.validation;

import dev.berth.api.ApiObject;
import dev.berth.api.Cidr;
import dev.berth.api.Cluster;
import dev.berth.api.ClusterSpec;
import dev.berth.api.DispatcherSpec;
import dev.berth.api.Durations;
import dev.berth.api.HealthCheck;
import dev.berth.api.Constraint;
import dev.berth.api.NetworkSpec;
import dev.berth.api.ObjectMeta;
import dev.berth.api.PlacementPreference;
import dev.berth.api.PortConfig;
import dev.berth.api.ResourceList;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.api.UpdateConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Validates Berth objects; pure functions with no I/O. */
public final class Validation {

    /** A DNS label, as names of services must be (they become DNS names). */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /**
     * Label keys: letters and digits, with {@code . _ / -} inside. Docker takes almost any key;
     * this keeps the ones a constraint ({@code node.labels.KEY == v}) and a selector can name, and
     * still takes every Kubernetes-style key ({@code berth.dev/role}).
     */
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?");
    /** The longest label key. */
    public static final int MAX_LABEL_KEY = 253;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    /** The shortest heartbeat period the cluster accepts. */
    public static final Duration MIN_HEARTBEAT_PERIOD = Duration.ofMillis(100);
    /** The shortest heartbeat timeout: etcd grants no lease shorter than 2 s with its default timings. */
    public static final Duration MIN_HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);
    /** The longest prefix of a node's container subnet: a /30 holds the gateway and one container. */
    public static final int MAX_NODE_SUBNET_PREFIX = 30;
    /** More replicas than this is a typo, not a plan. */
    public static final int MAX_REPLICAS = 100_000;

    private Validation() {
    }

    /** Every problem with {@code object}; empty when it is valid. */
    public static List<FieldError> validate(ApiObject object) {
        List<FieldError> errors = new ArrayList<>();
        metadata(object, errors);
        if (object instanceof Service s) {
            serviceSpec(s.spec(), errors);
        } else if (object instanceof Cluster c) {
            errors.addAll(clusterSpec(c.spec()));
        }
        return List.copyOf(errors);
    }

    /**
     * Every problem with a cluster's settings, fields named from {@code spec.} on; empty when they
     * are valid. The manager checks the timings again with this before it uses them.
     */
    public static List<FieldError> clusterSpec(ClusterSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        if (spec.taskHistoryLimit() < 0) {
            errors.add(new FieldError("spec.taskHistoryLimit", "must be >= 0, got " + spec.taskHistoryLimit()));
        }
        DispatcherSpec d = spec.dispatcher();
        String f = "spec.dispatcher.";
        // below 100ms heartbeats cost more than they tell; above a minute a lost node goes unnoticed
        between(f + "heartbeatPeriod", d.heartbeatPeriod(), MIN_HEARTBEAT_PERIOD, Duration.ofMinutes(1), errors);
        Duration timeout = d.heartbeatTimeout();
        if (between(f + "heartbeatTimeout", timeout, MIN_HEARTBEAT_TIMEOUT, Duration.ofHours(1), errors)) {
            if (timeout.toNanos() % 1_000_000_000L != 0) {
                // it is the TTL of an etcd lease, which counts whole seconds
                errors.add(new FieldError(f + "heartbeatTimeout", "must be a whole number of seconds (it is the"
                        + " session's etcd lease), got " + Durations.format(timeout)));
            } else if (timeout.compareTo(d.heartbeatPeriod().multipliedBy(2)) < 0) {
                errors.add(new FieldError(f + "heartbeatTimeout", "must be at least two heartbeat periods ("
                        + Durations.format(d.heartbeatPeriod().multipliedBy(2)) + ") so that one late heartbeat"
                        + " does not end a session, got " + Durations.format(timeout)));
            }
        }
        between(f + "reconnectGrace", d.reconnectGrace(), Duration.ZERO, Duration.ofMinutes(1), errors);
        between(f + "leaderChangeGrace", d.leaderChangeGrace(), Duration.ZERO, Duration.ofHours(1), errors);
        network(spec.network(), errors);
        return List.copyOf(errors);
    }

    /**
     * Checks the cluster network's address plan: both ranges are CIDRs, a node's subnet fits in the
     * container range and still holds containers, and the two ranges do not overlap (a virtual IP
     * that is also a container's address could not be told apart by the kernel's rules).
     */
    private static void network(NetworkSpec n, List<FieldError> errors) {
        String f = "spec.network.";
        Cidr container = cidr(f + "containerCidr", n.containerCidr(), errors);
        Cidr service = cidr(f + "serviceCidr", n.serviceCidr(), errors);
        int min = container == null ? 0 : container.prefix();
        // a /31 or /32 leaves no address for a container once the bridge takes the gateway
        if (n.nodeSubnetPrefix() < min || n.nodeSubnetPrefix() > MAX_NODE_SUBNET_PREFIX) {
            errors.add(new FieldError(f + "nodeSubnetPrefix", "must be between " + min
                    + (container == null ? "" : " (the prefix of containerCidr " + container + ")") + " and "
                    + MAX_NODE_SUBNET_PREFIX + ", got " + n.nodeSubnetPrefix()));
        }
        if (container != null && service != null && container.overlaps(service)) {
            errors.add(new FieldError(f + "serviceCidr", "serviceCidr " + service + " overlaps containerCidr "
                    + container + ": the services' virtual IPs need a range of their own"));
        }
    }

    private static Cidr cidr(String field, String text, List<FieldError> errors) {
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(field, e.getMessage()));
            return null;
        }
    }

    /** Adds an error unless {@code min <= value <= max}; returns whether it was in range. */
    private static boolean between(String field, Duration value, Duration min, Duration max,
            List<FieldError> errors) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            errors.add(new FieldError(field, "must be between " + Durations.format(min) + " and "
                    + Durations.format(max) + ", got " + (value.isNegative() ? value.toString() : Durations.format(value))));
            return false;
        }
        return true;
    }

    /**
     * Validates and throws when invalid.
     *
     * @throws ValidationException listing every problem
     */
    public static <T extends ApiObject> T require(T object) {
        List<FieldError> errors = validate(object);
        if (!errors.isEmpty()) {
            throw new ValidationException(object.kind().toLowerCase(java.util.Locale.ROOT) + "/"
                    + object.name(), errors);
        }
        return object;
    }

    /** Whether {@code name} is a DNS label of at most 63 characters. */
    public static boolean isDnsLabel(String name) {
        return name.length() <= 63 && DNS_LABEL.matcher(name).matches();
    }

    /** Whether {@code key} may be a label key ({@code zone}, {@code berth.dev/role}). */
    public static boolean isLabelKey(String key) {
        return key.length() <= MAX_LABEL_KEY && LABEL_KEY.matcher(key).matches();
    }

    /**
     * Why {@code key} cannot be a label key, or empty when it can; the sentence the API and the
     * CLI both print.
     */
    public static java.util.Optional<String> labelKeyProblem(String key) {
        if (key.isEmpty()) {
            return java.util.Optional.of("a label key must not be empty");
        }
        if (key.length() > MAX_LABEL_KEY) {
            return java.util.Optional.of("label key longer than " + MAX_LABEL_KEY + " characters");
        }
        if (!LABEL_KEY.matcher(key).matches()) {
            return java.util.Optional.of("invalid label key \"" + key + "\": letters and digits, with '.', '_', '/'"
                    + " and '-' inside (it must start and end with a letter or digit)");
        }
        return java.util.Optional.empty();
    }

    private static void metadata(ApiObject object, List<FieldError> errors) {
        ObjectMeta meta = object.metadata();
        if (meta.name().isEmpty()) {
            errors.add(new FieldError("metadata.name", "required"));
        } else if (object instanceof Cluster && !meta.name().equals(Cluster.DEFAULT_NAME)) {
            errors.add(new FieldError("metadata.name", "the cluster object is named \"" + Cluster.DEFAULT_NAME
                    + "\", got \"" + meta.name() + "\""));
        } else if (!isDnsLabel(meta.name())) {
            errors.add(new FieldError("metadata.name", "must be a DNS label (lower-case letters, digits and"
                    + " '-', starting and ending with a letter or digit, at most 63 characters), got \""
                    + meta.name() + "\""));
        }
        labels("metadata.labels", meta.labels(), errors);
        for (String key : meta.annotations().keySet()) {
            if (!isLabelKey(key)) {
                errors.add(new FieldError("metadata.annotations", "invalid key \"" + key + "\""));
            }
        }
    }

    private static void labels(String field, Map<String, String> labels, List<FieldError> errors) {
        for (Map.Entry<String, String> e : labels.entrySet()) {
            // the field names the key, as in metadata.labels["bad key"], so the error says which one
            String keyField = field + "[\"" + e.getKey() + "\"]";
            labelKeyProblem(e.getKey()).ifPresent(problem -> errors.add(new FieldError(keyField, problem)));
            if (e.getValue().length() > 253) {
                errors.add(new FieldError(keyField, "value longer than 253 characters"));
            }
        }
    }

    private static void serviceSpec(ServiceSpec spec, List<FieldError> errors) {
        if (spec.image().isBlank()) {
            errors.add(new FieldError("spec.image", "required, e.g. image: berth-examples/whoami:1"));
        } else if (spec.image().chars().anyMatch(Character::isWhitespace)) {
            errors.add(new FieldError("spec.image", "must not contain spaces, got \"" + spec.image() + "\""));
        }
        if (spec.replicas() < 0) {
            errors.add(new FieldError("spec.replicas", "must be >= 0, got " + spec.replicas()));
        } else if (spec.replicas() > MAX_REPLICAS) {
            errors.add(new FieldError("spec.replicas", "must be <= " + MAX_REPLICAS + ", got " + spec.replicas()));
        } else if (spec.mode() == ServiceMode.GLOBAL && spec.replicas() != 0) {
            errors.add(new FieldError("spec.replicas", "must not be set for a global service (it runs one task"
                    + " per node), got " + spec.replicas()));
        }
        for (String key : spec.env().keySet()) {
            if (!ENV_NAME.matcher(key).matches()) {
                errors.add(new FieldError("spec.env", "invalid variable name \"" + key + "\""));
            }
        }
        Set<String> published = new HashSet<>();
        for (int i = 0; i < spec.ports().size(); i++) {
            PortConfig p = spec.ports().get(i);
            String f = "spec.ports[" + i + "]";
            if (p.target() < 1 || p.target() > 65535) {
                errors.add(new FieldError(f + ".target", "must be between 1 and 65535, got " + p.target()));
            }
            if (p.published() < 0 || p.published() > 65535) {
                errors.add(new FieldError(f + ".published", "must be between 1 and 65535 (or 0 for not published),"
                        + " got " + p.published()));
            }
            if (p.published() > 0 && !published.add(p.published() + "/" + p.protocol().value())) {
                errors.add(new FieldError(f + ".published", "port " + p.published() + "/" + p.protocol().value()
                        + " is published twice"));
            }
        }
        resourceList("spec.resources.reservations", spec.resources().reservations(), errors);
        resourceList("spec.resources.limits", spec.resources().limits(), errors);
        ResourceList res = spec.resources().reservations();
        ResourceList lim = spec.resources().limits();
        if (!lim.memory().isZero() && res.memory().compareTo(lim.memory()) > 0) {
            errors.add(new FieldError("spec.resources.reservations.memory", "reserves " + res.memory()
                    + ", more than the limit " + lim.memory()));
        }
        if (lim.cpus() > 0 && res.cpus() > lim.cpus()) {
            errors.add(new FieldError("spec.resources.reservations.cpus", "reserves " + res.cpus()
                    + ", more than the limit " + lim.cpus()));
        }
        for (int i = 0; i < spec.placement().constraints().size(); i++) {
            try {
                Constraint.parse(spec.placement().constraints().get(i));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("spec.placement.constraints[" + i + "]", e.getMessage()));
            }
        }
        if (spec.placement().maxReplicasPerNode() < 0) {
            errors.add(new FieldError("spec.placement.maxReplicasPerNode", "must be >= 0, got "
                    + spec.placement().maxReplicasPerNode()));
        }
        for (int i = 0; i < spec.placement().preferences().size(); i++) {
            PlacementPreference pref = spec.placement().preferences().get(i);
            if (!pref.spread().startsWith("node.labels.") || pref.spread().length() <= "node.labels.".length()) {
                errors.add(new FieldError("spec.placement.preferences[" + i + "].spread",
                        "must name a node label, e.g. node.labels.zone, got \"" + pref.spread() + "\""));
            }
        }
        if (spec.restartPolicy().maxAttempts() < 0) {
            errors.add(new FieldError("spec.restartPolicy.maxAttempts", "must be >= 0, got "
                    + spec.restartPolicy().maxAttempts()));
        }
        updateConfig("spec.update", spec.update(), errors);
        updateConfig("spec.rollback", spec.rollback(), errors);
        if (spec.stopSignal().isBlank()) {
            errors.add(new FieldError("spec.stopSignal", "must not be empty, e.g. SIGTERM"));
        }
        healthCheck("spec.healthCheck", spec.healthCheck(), errors);
        if (spec.forceUpdate() < 0) {
            errors.add(new FieldError("spec.forceUpdate", "must be >= 0, got " + spec.forceUpdate()));
        }
    }

    /**
     * Checks a health check: exactly one probe, and timings a checker can follow. {@link HealthCheck#NONE}
     * (no field set, or an empty {@code healthCheck: {}}) is "no check" and valid; timings without a
     * probe are refused, since they would check nothing and the user surely meant a check.
     */
    private static void healthCheck(String f, HealthCheck h, List<FieldError> errors) {
        if (h.equals(HealthCheck.NONE)) {
            return;
        }
        List<String> probes = new ArrayList<>();
        if (!h.cmd().isEmpty()) {
            probes.add("cmd");
        }
        h.httpGet().ifPresent(p -> probes.add("httpGet"));
        h.tcp().ifPresent(p -> probes.add("tcp"));
        if (probes.isEmpty()) {
            errors.add(new FieldError(f, "needs one of cmd, httpGet or tcp, e.g. cmd: [/bin/sh, -c, \"wget -q -O-"
                    + " localhost:4567\"]"));
        } else if (probes.size() > 1) {
            errors.add(new FieldError(f, "has " + String.join(" and ", probes) + ": a health check needs exactly one"
                    + " of cmd, httpGet or tcp"));
        }
        if (!h.cmd().isEmpty() && h.cmd().get(0).isBlank()) {
            errors.add(new FieldError(f + ".cmd[0]", "must name a program, got \"" + h.cmd().get(0) + "\""));
        }
        h.httpGet().ifPresent(p -> {
            probePort(f + ".httpGet.port", p.port(), errors);
            if (!p.path().startsWith("/")) {
                errors.add(new FieldError(f + ".httpGet.path", "must start with \"/\", got \"" + p.path() + "\""));
            }
        });
        h.tcp().ifPresent(p -> probePort(f + ".tcp.port", p.port(), errors));
        positive(f + ".interval", h.interval(), errors);
        positive(f + ".timeout", h.timeout(), errors);
        if (h.retries() < 1) {
            errors.add(new FieldError(f + ".retries", "must be >= 1, got " + h.retries()));
        }
        if (h.startPeriod().isNegative()) {
            errors.add(new FieldError(f + ".startPeriod", "must be >= 0s, got " + h.startPeriod()));
        }
    }

    private static void probePort(String field, int port, List<FieldError> errors) {
        if (port < 1 || port > 65535) {
            errors.add(new FieldError(field, "must be between 1 and 65535, got " + port));
        }
    }

    private static void positive(String field, Duration value, List<FieldError> errors) {
        if (value.isNegative() || value.isZero()) {
            errors.add(new FieldError(field, "must be > 0s, got "
                    + (value.isNegative() ? value.toString() : Durations.format(value))));
        }
    }

    private static void resourceList(String field, ResourceList list, List<FieldError> errors) {
        if (list.cpus() < 0 || Double.isNaN(list.cpus()) || Double.isInfinite(list.cpus())) {
            errors.add(new FieldError(field + ".cpus", "must be >= 0, got " + list.cpus()));
        }
    }

    private static void updateConfig(String field, UpdateConfig config, List<FieldError> errors) {
        if (config.parallelism() < 0) {
            errors.add(new FieldError(field + ".parallelism", "must be >= 0, got " + config.parallelism()));
        }
        if (config.maxFailureRatio() < 0 || config.maxFailureRatio() > 1) {
            errors.add(new FieldError(field + ".maxFailureRatio", "must be between 0 and 1, got "
                    + config.maxFailureRatio()));
        }
    }
}
