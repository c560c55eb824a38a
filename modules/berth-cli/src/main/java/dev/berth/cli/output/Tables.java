package dev.berth.cli.output;

import dev.berth.api.ApiObject;
import dev.berth.api.Cluster;
import dev.berth.api.Endpoints;
import dev.berth.api.Node;
import dev.berth.api.NodeRole;
import dev.berth.api.PortConfig;
import dev.berth.api.PublishMode;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceRevision;
import dev.berth.api.Task;
import dev.berth.cli.client.ApiInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The tables the CLI prints for each kind: {@code berth get}'s kubectl-style ones and the
 * Swarm-style {@code service ls}, {@code service ps} and {@code node ls}. Pure functions of the
 * objects, the node hostnames and the time.
 */
public final class Tables {

    /** Docker shows ids cut to this many characters. */
    public static final int SHORT_ID = 12;

    private Tables() {
    }

    // ---- berth get ----------------------------------------------------------------------------

    /** The {@code berth get} table of any kind's objects. */
    public static Table get(List<? extends ApiObject> objects, boolean wide, Map<String, String> hostnames,
            Instant now) {
        Table table = header(objects.isEmpty() ? Optional.empty() : Optional.of(objects.get(0).kind()), wide);
        for (ApiObject o : objects) {
            table.row(getRow(o, wide, hostnames, now));
        }
        return table;
    }

    /** The {@code berth get} header for a kind ({@code Service}, {@code Task}...). */
    public static Table header(Optional<String> kindName, boolean wide) {
        String kind = kindName.orElse("");
        List<String> h = new ArrayList<>();
        switch (kind) {
            case "Service":
                h.addAll(List.of("NAME", "MODE", "REPLICAS", "IMAGE", "PORTS", "AGE"));
                if (wide) {
                    h.addAll(List.of("CONSTRAINTS", "LABELS"));
                }
                break;
            case "Task":
                h.addAll(List.of("NAME", "ID", "NODE", "DESIRED", "CURRENT", "ERROR"));
                if (wide) {
                    h.addAll(List.of("IMAGE", "MESSAGE"));
                }
                break;
            case "Node":
                h.addAll(List.of("NAME", "HOSTNAME", "STATUS", "AVAILABILITY", "ROLE", "AGE"));
                if (wide) {
                    h.addAll(List.of("ADDRESS", "CPUS", "MEMORY", "ENGINE", "LABELS"));
                }
                break;
            case "ServiceRevision":
                h.addAll(List.of("NAME", "SERVICE", "REVISION", "AGE", "CHANGE-CAUSE"));
                if (wide) {
                    h.addAll(List.of("IMAGE"));
                }
                break;
            case "Endpoints":
                h.addAll(List.of("NAME", "VIRTUAL IP", "MODE", "PORTS", "ADDRESSES"));
                if (wide) {
                    h.addAll(List.of("AGE"));
                }
                break;
            default:
                h.addAll(List.of("NAME", "AGE"));
                if (wide) {
                    h.addAll(List.of("LEADER", "TASK-HISTORY"));
                }
                break;
        }
        return Table.of(h);
    }

    /** The {@code berth get} header for a kind. */
    public static Table header(String kindName, boolean wide) {
        return header(Optional.of(kindName), wide);
    }

    /** One {@code berth get} row. */
    public static List<String> getRow(ApiObject object, boolean wide, Map<String, String> hostnames, Instant now) {
        List<String> r = new ArrayList<>();
        String age = Ages.shortAge(object.metadata().creationTimestamp(), now);
        if (object instanceof Service s) {
            r.addAll(List.of(s.name(), s.spec().mode().value(), replicas(s), s.spec().image(), ports(s.spec().ports()),
                    age));
            if (wide) {
                r.add(String.join(",", s.spec().placement().constraints()));
                r.add(labels(s.metadata().labels()));
            }
        } else if (object instanceof Task t) {
            r.addAll(List.of(t.displayName(), t.id(), node(t, hostnames), t.spec().desiredState().display(),
                    currentState(t, now), t.status().error()));
            if (wide) {
                r.add(t.spec().template().image());
                r.add(t.status().message());
            }
        } else if (object instanceof Node n) {
            r.addAll(List.of(n.id(), n.status().hostname(), capitalize(n.status().state().value()),
                    capitalize(n.spec().availability().value()), n.spec().role().value(), age));
            if (wide) {
                r.add(n.status().address());
                r.add(cpus(n.status().resources().cpus()));
                r.add(n.status().resources().memory().human());
                r.add(n.status().engineVersion());
                r.add(labels(n.metadata().labels()));
            }
        } else if (object instanceof Endpoints e) {
            r.addAll(List.of(e.name(), e.virtualIp().isEmpty() ? "<none>" : e.virtualIp(), e.mode().value(),
                    e.ports().isEmpty() ? "<none>" : ports(e.ports()), addresses(e)));
            if (wide) {
                r.add(age);
            }
        } else if (object instanceof ServiceRevision v) {
            r.addAll(List.of(v.name(), v.serviceName(), String.valueOf(v.revision()), age, changeCause(v)));
            if (wide) {
                r.add(v.spec().image());
            }
        } else if (object instanceof Cluster c) {
            r.addAll(List.of(c.name(), age));
            if (wide) {
                r.add(c.status().leader());
                r.add(String.valueOf(c.spec().taskHistoryLimit()));
            }
        }
        return r;
    }

    // ---- rollouts ----------------------------------------------------------------------------

    /**
     * {@code berth rollout history}: {@code REVISION CREATED CHANGE-CAUSE}, oldest first, the
     * service's current revision marked {@code (current)}.
     */
    public static Table rolloutHistory(List<ServiceRevision> revisions, long current, Instant now) {
        Table table = Table.of("REVISION", "CREATED", "CHANGE-CAUSE");
        revisions.stream().sorted(Comparator.comparingLong(ServiceRevision::revision)).forEach(v -> table.row(
                v.revision() + (v.revision() == current ? " (current)" : ""),
                v.metadata().creationTimestamp().isEmpty() ? "<unknown>"
                        : Ages.ago(v.metadata().creationTimestamp(), now),
                changeCause(v)));
        return table;
    }

    /** A revision's change cause on one line, {@code <none>} when it has none. */
    static String changeCause(ServiceRevision v) {
        String cause = v.changeCause().replace('\n', ' ').strip();
        return cause.isEmpty() ? "<none>" : cause;
    }

    // ---- Swarm style --------------------------------------------------------------------------

    /** {@code berth service ls}: {@code ID NAME MODE REPLICAS IMAGE PORTS}, sorted by name. */
    public static Table serviceLs(List<Service> services) {
        Table table = Table.of("ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS");
        services.stream().sorted(Comparator.comparing(Service::name)).forEach(s -> table.row(
                shortId(s.metadata().uid()), s.name(), s.spec().mode().value(), replicas(s), s.spec().image(),
                ports(s.spec().ports())));
        return table;
    }

    /**
     * {@code berth service ps}: {@code ID NAME IMAGE NODE DESIRED STATE CURRENT STATE ERROR PORTS};
     * by slot (global tasks: by node), newest task of a slot first, older ones as {@code \_ name}.
     */
    public static Table servicePs(List<Task> tasks, Map<String, String> hostnames, Instant now) {
        return taskPs(tasks, hostnames, now, false);
    }

    /**
     * {@code berth node ps}: the table of {@code service ps} for the tasks of nodes (docker's
     * {@code node ps} has the same columns and history rows); {@code noTrunc} shows whole ids.
     */
    public static Table nodePs(List<Task> tasks, Map<String, String> hostnames, Instant now, boolean noTrunc) {
        return taskPs(tasks, hostnames, now, noTrunc);
    }

    private static Table taskPs(List<Task> tasks, Map<String, String> hostnames, Instant now, boolean noTrunc) {
        Table table = Table.of("ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR", "PORTS");
        for (List<Task> slot : bySlot(tasks)) {
            for (int i = 0; i < slot.size(); i++) {
                Task t = slot.get(i);
                String error = t.status().error().isEmpty() ? "" : "\"" + t.status().error() + "\"";
                table.row(noTrunc ? t.id() : shortId(t.id()), (i == 0 ? "" : "\\_ ") + t.displayName(),
                        t.spec().template().image(),
                        node(t, hostnames), t.spec().desiredState().display(), currentState(t, now), error,
                        hostPorts(t.spec().template().ports()));
            }
        }
        return table;
    }

    /**
     * Tasks grouped by slot (global tasks: by node), groups in slot order, each group newest
     * first.
     */
    public static List<List<Task>> bySlot(List<Task> tasks) {
        Map<String, List<Task>> groups = new LinkedHashMap<>();
        Comparator<Task> slotOrder = Comparator.comparing((Task t) -> t.spec().slot() == 0 ? 1 : 0)
                .thenComparingInt(t -> t.spec().slot())
                .thenComparing(t -> t.spec().nodeId())
                .thenComparing(t -> t.spec().serviceName());
        Comparator<Task> newestFirst = Comparator.comparing(Tables::createdAt).reversed()
                .thenComparing(Comparator.comparingLong((Task t) -> t.metadata().resourceVersion()).reversed())
                .thenComparing(Task::id);
        for (Task t : tasks.stream().sorted(slotOrder).toList()) {
            String key = t.spec().serviceName() + "/" + (t.spec().slot() > 0 ? "s" + t.spec().slot() : "n" + t.spec().nodeId());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
        }
        List<List<Task>> out = new ArrayList<>();
        for (List<Task> group : groups.values()) {
            out.add(group.stream().sorted(newestFirst).toList());
        }
        return out;
    }

    private static Instant createdAt(Task t) {
        return t.metadata().creationTimestamp().or(() -> t.status().timestamp()).orElse(Instant.EPOCH);
    }

    /**
     * {@code berth node ls} with the answering manager's node marked {@code *}; see
     * {@link #nodeLs(List, ApiInfo, String)}.
     */
    public static Table nodeLs(List<Node> nodes, ApiInfo info) {
        return nodeLs(nodes, info, info.managerNodeId());
    }

    /**
     * {@code berth node ls}: {@code ID HOSTNAME STATUS AVAILABILITY MANAGER STATUS ENGINE VERSION},
     * by hostname; the leader is {@code Leader}, other managers {@code Reachable}, and the node
     * {@code currentNodeId} (the one the CLI runs on) has {@code " *"} after its id, as in docker.
     */
    public static Table nodeLs(List<Node> nodes, ApiInfo info, String currentNodeId) {
        Table table = Table.of("ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION");
        nodes.stream().sorted(Comparator.comparing((Node n) -> n.status().hostname()).thenComparing(Node::id))
                .forEach(n -> table.row(
                        n.id() + (n.id().equals(currentNodeId) ? " *" : ""),
                        n.status().hostname(),
                        capitalize(n.status().state().value()),
                        capitalize(n.spec().availability().value()),
                        managerStatus(n, info),
                        n.status().engineVersion()));
        return table;
    }

    /** {@code Leader}, {@code Reachable} (another manager) or empty (a worker). */
    public static String managerStatus(Node node, ApiInfo info) {
        if (!info.leader().isEmpty() && node.id().equals(info.leader())) {
            return "Leader";
        }
        return node.spec().role() == NodeRole.MANAGER ? "Reachable" : "";
    }

    // ---- cells --------------------------------------------------------------------------------

    /**
     * Swarm's {@code REPLICAS}: running/desired; the desired count is the spec's for a replicated
     * service (known at once) and the controller's count for a global one.
     */
    public static String replicas(Service s) {
        int desired = s.spec().mode() == ServiceMode.GLOBAL ? s.status().replicas() : s.spec().replicas();
        return s.status().running() + "/" + desired;
    }

    /** {@code *:4567->4567/tcp,*:53->53/udp}. */
    public static String ports(List<PortConfig> ports) {
        return ports.stream().map(PortConfig::display).collect(Collectors.joining(","));
    }

    /**
     * The addresses of an Endpoints object's tasks ({@code 10.42.0.5,10.42.1.3}), in its order (by
     * task id); one that may not receive traffic is marked {@code (not ready)}.
     */
    public static String addresses(Endpoints e) {
        if (e.addresses().isEmpty()) {
            return "<none>";
        }
        return e.addresses().stream().map(a -> a.ready() ? a.ip() : a.ip() + "(not ready)")
                .collect(Collectors.joining(","));
    }

    private static String hostPorts(List<PortConfig> ports) {
        // Swarm's ps shows only host-mode ports: routing-mesh ports belong to the service, not the task.
        return ports(ports.stream().filter(p -> p.publishMode() == PublishMode.HOST && p.published() > 0).toList());
    }

    /**
     * {@code Assigned 5 seconds ago}; a running task with a health check adds its health as
     * {@code docker ps} does: {@code Running 5 seconds ago (healthy)}, {@code (health: starting)},
     * {@code (unhealthy)}.
     */
    public static String currentState(Task t, Instant now) {
        String ago = Ages.ago(t.status().timestamp(), now);
        return t.status().state().display() + (ago.isEmpty() ? "" : " " + ago) + healthSuffix(t);
    }

    /** {@code " (healthy)"} and the like for a running task with a health, else empty. */
    static String healthSuffix(Task t) {
        String health = t.status().health();
        if (t.status().state() != dev.berth.api.TaskState.RUNNING || health.isEmpty()) {
            return "";
        }
        // docker ps words it this way: "(healthy)", "(unhealthy)", but "(health: starting)"
        return health.equals("starting") ? " (health: starting)" : " (" + health + ")";
    }

    private static String node(Task t, Map<String, String> hostnames) {
        String id = t.spec().nodeId();
        if (id.isEmpty()) {
            return "";
        }
        String host = hostnames.get(id);
        return host == null || host.isEmpty() ? id : host;
    }

    /** The first {@value #SHORT_ID} characters of an id. */
    public static String shortId(String id) {
        return id.length() <= SHORT_ID ? id : id.substring(0, SHORT_ID);
    }

    /** {@code a=1,b=2}. */
    public static String labels(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    /** {@code 2} or {@code 0.5}. */
    public static String cpus(double cpus) {
        return cpus == Math.rint(cpus) ? String.valueOf((long) cpus) : String.valueOf(cpus);
    }

    /** {@code ready} to {@code Ready}. */
    public static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    /** Node id to hostname, for the NODE columns. */
    public static Map<String, String> hostnames(List<Node> nodes) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Node n : nodes) {
            map.put(n.id(), n.status().hostname());
        }
        return map;
    }
}
