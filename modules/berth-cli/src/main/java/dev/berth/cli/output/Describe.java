package dev.berth.cli.output;

import dev.berth.api.Cluster;
import dev.berth.api.Durations;
import dev.berth.api.Endpoints;
import dev.berth.api.HealthCheck;
import dev.berth.api.Node;
import dev.berth.api.ObjectMeta;
import dev.berth.api.PlacementPreference;
import dev.berth.api.ResourceList;
import dev.berth.api.RestartPolicy;
import dev.berth.api.Service;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.ServiceRevision;
import dev.berth.api.UpdateConfig;
import dev.berth.api.UpdateState;
import dev.berth.api.UpdateStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code berth describe}: a person's multi-line view of one object, with related tasks. */
public final class Describe {

    private final List<String[]> lines = new ArrayList<>();

    private Describe() {
    }

    private Describe field(String label, Object value) {
        lines.add(new String[] {label, value == null ? "" : value.toString()});
        return this;
    }

    private String render(String tail) {
        int width = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0) + 2;
        StringBuilder out = new StringBuilder();
        for (String[] l : lines) {
            String label = l[0] + ":";
            out.append(l[1].isEmpty() ? label : label + " ".repeat(width - label.length() + 1) + l[1]).append('\n');
        }
        return out + tail;
    }

    private static Describe meta(ObjectMeta m, Instant now) {
        return new Describe()
                .field("Name", m.name())
                .field("UID", m.uid())
                .field("Labels", m.labels().isEmpty() ? "<none>" : Tables.labels(m.labels()))
                .field("Created", m.creationTimestamp().map(t -> t + " (" + Ages.shortAge(Optional.of(t), now) + " ago)")
                        .orElse("<unknown>"))
                .field("Resource version", m.resourceVersion());
    }

    /** A service: spec summary, status and its tasks (as {@code service ps}). */
    public static String service(Service s, List<Task> tasks, Map<String, String> hostnames, Instant now) {
        ServiceSpec spec = s.spec();
        Describe d = meta(s.metadata(), now)
                .field("Generation", s.metadata().generation())
                .field("Mode", spec.mode().value())
                .field("Replicas", Tables.replicas(s) + " (running/desired)")
                .field("Image", spec.image());
        if (!spec.command().isEmpty()) {
            d.field("Command", shellWords(spec.command()));
        }
        if (!spec.args().isEmpty()) {
            d.field("Args", shellWords(spec.args()));
        }
        d.field("Env", spec.env().isEmpty() ? "<none>" : Tables.labels(spec.env()))
                .field("Ports", spec.ports().isEmpty() ? "<none>" : Tables.ports(spec.ports()))
                .field("Reservations", resources(spec.resources().reservations()))
                .field("Limits", resources(spec.resources().limits()))
                .field("Constraints", spec.placement().constraints().isEmpty() ? "<none>"
                        : String.join(", ", spec.placement().constraints()))
                .field("Max replicas per node", spec.placement().maxReplicasPerNode() == 0 ? "unlimited"
                        : spec.placement().maxReplicasPerNode())
                .field("Placement preferences", spec.placement().preferences().isEmpty() ? "<none>"
                        : spec.placement().preferences().stream().map(Describe::preference)
                                .collect(Collectors.joining(", ")))
                .field("Restart policy", restart(spec.restartPolicy()))
                .field("Update", update(spec.update()))
                .field("Rollback", update(spec.rollback()))
                .field("Endpoint mode", spec.endpointMode().value())
                .field("Stop", spec.stopSignal() + ", grace period " + Durations.format(spec.stopGracePeriod()))
                .field("Health check", healthCheck(spec.healthCheck()))
                .field("Init", spec.init() ? "yes" : "no")
                .field("Status", "replicas " + s.status().replicas() + ", running " + s.status().running()
                        + ", updated " + s.status().updated() + ", observed generation "
                        + s.status().observedGeneration())
                .field("Revision", s.status().revision() == 0 ? "<none>" : s.status().revision());
        UpdateStatus u = s.status().update();
        if (u.state() != UpdateState.NONE) {
            d.field("Update status", u.state().value() + " (to revision " + u.revision() + ")"
                    + (u.message().isEmpty() ? "" : ": " + u.message()));
            u.startedAt().ifPresent(t -> d.field("Update started", t + " (" + Ages.ago(Optional.of(t), now) + ")"));
            u.completedAt().ifPresent(t -> d.field("Update completed", t + " (" + Ages.ago(Optional.of(t), now)
                    + ")"));
        }
        return d.render(tasksSection(tasks, hostnames, now));
    }

    /** A node: status, resources, labels and the tasks placed on it. */
    public static String node(Node n, List<Task> tasks, Map<String, String> hostnames, Instant now) {
        Describe d = meta(n.metadata(), now)
                .field("Hostname", n.status().hostname())
                .field("Address", n.status().address())
                .field("Role", n.spec().role().value())
                .field("Availability", n.spec().availability().value())
                .field("Subnet", n.spec().subnet().isEmpty() ? "<none yet>" : n.spec().subnet())
                .field("Status", n.status().state().value() + (n.status().message().isEmpty() ? ""
                        : " (" + n.status().message() + ")"))
                .field("CPUs", Tables.cpus(n.status().resources().cpus()))
                .field("Memory", n.status().resources().memory().human())
                .field("Engine", n.status().engineVersion().isEmpty() ? "<unknown>" : n.status().engineVersion())
                .field("Last heartbeat", n.status().lastHeartbeat()
                        .map(t -> t + " (" + Ages.ago(Optional.of(t), now) + ")").orElse("<never>"));
        return d.render(tasksSection(tasks, hostnames, now));
    }

    /**
     * {@code berth node inspect --pretty}: docker's human view of a node (ID, labels, hostname,
     * joined at, status, manager status, resources, engine version), values aligned in one
     * column.
     *
     * @param leaderId the node id of the manager running the controllers, empty if none
     */
    public static String nodePretty(Node n, String leaderId) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID:", n.id()});
        if (!n.metadata().labels().isEmpty()) {
            rows.add(new String[] {"Labels:", ""});
            n.metadata().labels().forEach((k, v) -> rows.add(new String[] {" - " + k + (v.isEmpty() ? "" : "=" + v), ""}));
        }
        rows.add(new String[] {"Hostname:", n.status().hostname()});
        rows.add(new String[] {"Joined at:", n.metadata().creationTimestamp().map(Object::toString).orElse("<unknown>")});
        rows.add(new String[] {"Status:", ""});
        rows.add(new String[] {" State:", Tables.capitalize(n.status().state().value())});
        if (!n.status().message().isEmpty()) {
            rows.add(new String[] {" Message:", n.status().message()});
        }
        rows.add(new String[] {" Availability:", Tables.capitalize(n.spec().availability().value())});
        if (!n.status().address().isEmpty()) {
            rows.add(new String[] {" Address:", n.status().address()});
        }
        if (n.spec().role() == dev.berth.api.NodeRole.MANAGER) {
            rows.add(new String[] {"Manager Status:", ""});
            if (!n.status().address().isEmpty()) {
                rows.add(new String[] {" Address:", n.status().address()});
            }
            rows.add(new String[] {" Raft Status:", n.status().state() == dev.berth.api.NodeState.READY
                    ? "Reachable" : "Unreachable"});
            rows.add(new String[] {" Leader:", n.id().equals(leaderId) ? "Yes" : "No"});
        }
        rows.add(new String[] {"Resources:", ""});
        rows.add(new String[] {" CPUs:", Tables.cpus(n.status().resources().cpus())});
        rows.add(new String[] {" Memory:", n.status().resources().memory().human()});
        rows.add(new String[] {"Engine Version:", n.status().engineVersion().isEmpty() ? "<unknown>"
                : n.status().engineVersion()});
        int width = rows.stream().filter(r -> !r[1].isEmpty()).mapToInt(r -> r[0].length()).max().orElse(0) + 2;
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            out.append(r[1].isEmpty() ? r[0] : r[0] + " ".repeat(width - r[0].length()) + r[1]).append('\n');
        }
        return out.toString();
    }

    /**
     * {@code berth service inspect --pretty}: docker's human view of a service (ID, name, labels,
     * mode, placement, update and rollback settings, container spec, resources, endpoint mode and
     * ports), with the service's virtual IP from its Endpoints object when the network controller
     * gave it one.
     */
    public static String servicePretty(Service s, Optional<Endpoints> endpoints) {
        return servicePretty(s, endpoints, Optional.empty());
    }

    /**
     * {@link #servicePretty(Service, Optional)}, with the rollout's times as {@code 5 seconds ago}
     * relative to {@code now} when given (else as timestamps).
     */
    public static String servicePretty(Service s, Optional<Endpoints> endpoints, Optional<Instant> now) {
        ServiceSpec spec = s.spec();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID:", s.metadata().uid()});
        rows.add(new String[] {"Name:", s.name()});
        if (!s.metadata().labels().isEmpty()) {
            rows.add(new String[] {"Labels:", ""});
            s.metadata().labels().forEach((k, v) -> rows.add(new String[] {" - " + k + (v.isEmpty() ? "" : "=" + v), ""}));
        }
        if (spec.mode() == dev.berth.api.ServiceMode.GLOBAL) {
            rows.add(new String[] {"Service Mode:", "Global"});
        } else {
            rows.add(new String[] {"Service Mode:", "Replicated"});
            rows.add(new String[] {" Replicas:", String.valueOf(spec.replicas())});
        }
        if (s.status().revision() > 0) {
            rows.add(new String[] {"Revision:", String.valueOf(s.status().revision())});
        }
        UpdateStatus u = s.status().update();
        if (u.state() != UpdateState.NONE) {
            // docker prints the latest update's state, times and message right after the mode
            rows.add(new String[] {"UpdateStatus:", ""});
            rows.add(new String[] {" State:", u.state().value()});
            rows.add(new String[] {" Revision:", String.valueOf(u.revision())});
            u.startedAt().ifPresent(t -> rows.add(new String[] {" Started:", when(t, now)}));
            u.completedAt().ifPresent(t -> rows.add(new String[] {" Completed:", when(t, now)}));
            if (!u.message().isEmpty()) {
                rows.add(new String[] {" Message:", u.message()});
            }
        }
        if (!spec.placement().constraints().isEmpty()) {
            rows.add(new String[] {"Placement:", ""});
            rows.add(new String[] {" Constraints:", "[" + String.join(" ", spec.placement().constraints()) + "]"});
        }
        rows.add(new String[] {"UpdateConfig:", ""});
        rolloutRows(rows, spec.update(), "Update order:");
        rows.add(new String[] {"RollbackConfig:", ""});
        rolloutRows(rows, spec.rollback(), "Rollback order:");
        rows.add(new String[] {"ContainerSpec:", ""});
        rows.add(new String[] {" Image:", spec.image()});
        if (!spec.command().isEmpty()) {
            rows.add(new String[] {" Command:", shellWords(spec.command())});
        }
        if (!spec.args().isEmpty()) {
            rows.add(new String[] {" Args:", shellWords(spec.args())});
        }
        if (!spec.env().isEmpty()) {
            rows.add(new String[] {" Env:", Tables.labels(spec.env())});
        }
        if (spec.init()) {
            rows.add(new String[] {" Init:", "true"});
        }
        HealthCheck h = spec.healthCheck();
        if (!h.equals(HealthCheck.NONE)) {
            // docker prints the container's Healthcheck this way; Berth's probes get their own line
            rows.add(new String[] {"Healthcheck:", ""});
            rows.add(new String[] {" Probe:", probe(h)});
            rows.add(new String[] {" Interval:", Durations.format(h.interval())});
            rows.add(new String[] {" Timeout:", Durations.format(h.timeout())});
            rows.add(new String[] {" Retries:", String.valueOf(h.retries())});
            rows.add(new String[] {" Start Period:", Durations.format(h.startPeriod())});
        }
        if (!spec.resources().reservations().isEmpty() || !spec.resources().limits().isEmpty()) {
            rows.add(new String[] {"Resources:", ""});
            rows.add(new String[] {" Reservations:", resources(spec.resources().reservations())});
            rows.add(new String[] {" Limits:", resources(spec.resources().limits())});
        }
        rows.add(new String[] {"Endpoint Mode:", spec.endpointMode().value()});
        String vip = endpoints.map(Endpoints::virtualIp).orElse("");
        rows.add(new String[] {"Virtual IP:", !vip.isEmpty() ? vip
                : spec.endpointMode() == dev.berth.api.EndpointMode.DNSRR ? "<none> (dnsrr)" : "<not assigned yet>"});
        if (!spec.ports().isEmpty()) {
            rows.add(new String[] {"Ports:", ""});
            for (dev.berth.api.PortConfig p : spec.ports()) {
                if (p.published() > 0) {
                    rows.add(new String[] {" PublishedPort = " + p.published(), ""});
                } else {
                    rows.add(new String[] {" PublishedPort = <none>", ""});
                }
                rows.add(new String[] {"  Protocol = " + p.protocol().value(), ""});
                rows.add(new String[] {"  TargetPort = " + p.target(), ""});
                rows.add(new String[] {"  PublishMode = " + p.publishMode().value(), ""});
            }
        }
        int width = rows.stream().filter(r -> !r[1].isEmpty()).mapToInt(r -> r[0].length()).max().orElse(0) + 2;
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            out.append(r[1].isEmpty() ? r[0] : r[0] + " ".repeat(width - r[0].length()) + r[1]).append('\n');
        }
        return out.toString();
    }

    /** docker's lines of an UpdateConfig or RollbackConfig block. */
    private static void rolloutRows(List<String[]> rows, UpdateConfig c, String orderLabel) {
        rows.add(new String[] {" Parallelism:", String.valueOf(c.parallelism())});
        if (!c.delay().isZero()) {
            rows.add(new String[] {" Delay:", Durations.format(c.delay())});
        }
        rows.add(new String[] {" On failure:", c.failureAction().value()});
        rows.add(new String[] {" Monitoring Period:", Durations.format(c.monitor())});
        rows.add(new String[] {" Max failure ratio:", Tables.cpus(c.maxFailureRatio())});
        rows.add(new String[] {" " + orderLabel, c.order().value()});
    }

    /** {@code 2026-11-28T12:00:00Z (5 seconds ago)}, or the bare time without a clock. */
    private static String when(Instant t, Optional<Instant> now) {
        return now.map(n -> t + " (" + Ages.ago(Optional.of(t), n) + ")").orElse(t.toString());
    }

    /** A service revision: its service, number, change cause and the spec's main fields. */
    public static String revision(ServiceRevision r, Instant now) {
        ServiceSpec spec = r.spec();
        return meta(r.metadata(), now)
                .field("Service", r.serviceName() + (r.serviceUid().isEmpty() ? "" : " (" + r.serviceUid() + ")"))
                .field("Revision", r.revision())
                .field("Change cause", r.changeCause().isEmpty() ? "<none>" : r.changeCause())
                .field("Image", spec.image())
                .field("Replicas", spec.mode() == dev.berth.api.ServiceMode.GLOBAL ? "global" : spec.replicas())
                .field("Env", spec.env().isEmpty() ? "<none>" : Tables.labels(spec.env()))
                .field("Ports", spec.ports().isEmpty() ? "<none>" : Tables.ports(spec.ports()))
                .field("Health check", healthCheck(spec.healthCheck()))
                .field("Update", update(spec.update()))
                .render("");
    }

    /** A task: its service, slot, node, states and container. */
    public static String task(Task t, Map<String, String> hostnames, Instant now) {
        String node = t.spec().nodeId().isEmpty() ? "<unassigned>"
                : hostnames.getOrDefault(t.spec().nodeId(), "") + " (" + t.spec().nodeId() + ")";
        return meta(t.metadata(), now)
                .field("Display name", t.displayName())
                .field("Service", t.spec().serviceName())
                .field("Slot", t.spec().slot() == 0 ? "<global>" : t.spec().slot())
                .field("Node", node)
                .field("Image", t.spec().template().image())
                .field("Desired state", t.spec().desiredState().display())
                .field("Current state", Tables.currentState(t, now))
                .field("Health", t.status().health().isEmpty() ? "<none>" : t.status().health())
                .field("Health check", healthCheck(t.spec().template().healthCheck()))
                .field("Init", t.spec().template().init() ? "yes" : "no")
                .field("Message", t.status().message())
                .field("Error", t.status().error())
                .field("Container", t.status().containerId())
                .field("Address", t.status().address().isEmpty() ? "<none>" : t.status().address())
                .render("");
    }

    /** A service's endpoints: virtual IP, ports and the address of each task behind it. */
    public static String endpoints(Endpoints e, Map<String, String> hostnames, Instant now) {
        StringBuilder tail = new StringBuilder(e.addresses().isEmpty() ? "Addresses: <none>\n" : "Addresses:\n");
        if (!e.addresses().isEmpty()) {
            Table table = Table.of("IP", "TASK", "NODE", "READY");
            e.addresses().forEach(a -> table.row(a.ip(), a.taskId(),
                    hostnames.getOrDefault(a.nodeId(), a.nodeId()), a.ready() ? "yes" : "no"));
            for (String line : table.render().split("\n")) {
                tail.append("  ").append(line).append('\n');
            }
        }
        return meta(e.metadata(), now)
                .field("Virtual IP", e.virtualIp().isEmpty() ? "<none>" : e.virtualIp())
                .field("Mode", e.mode().value())
                .field("Ports", e.ports().isEmpty() ? "<none>" : Tables.ports(e.ports()))
                .render(tail.toString());
    }

    /** The cluster settings object. */
    public static String cluster(Cluster c, Instant now) {
        return meta(c.metadata(), now)
                .field("Task history limit", c.spec().taskHistoryLimit())
                .field("Container CIDR", c.spec().network().containerCidr())
                .field("Node subnet prefix", "/" + c.spec().network().nodeSubnetPrefix())
                .field("Service CIDR", c.spec().network().serviceCidr())
                .field("Leader", c.status().leader().isEmpty() ? "<none>" : c.status().leader())
                .render("");
    }

    private static String tasksSection(List<Task> tasks, Map<String, String> hostnames, Instant now) {
        if (tasks.isEmpty()) {
            return "Tasks: <none>\n";
        }
        StringBuilder out = new StringBuilder("Tasks:\n");
        for (String line : Tables.servicePs(tasks, hostnames, now).render().split("\n")) {
            out.append("  ").append(line).append('\n');
        }
        return out.toString();
    }

    /** Words as a shell would need them: {@code sh -c 'echo hi'}. */
    static String shellWords(List<String> words) {
        return words.stream().map(w -> w.isEmpty() || !w.matches("[A-Za-z0-9_./:=@%+,-]+")
                ? "'" + w.replace("'", "'\\''") + "'" : w).collect(Collectors.joining(" "));
    }

    /**
     * One line for a health check: {@code cmd /bin/sh -c 'wget -q -O- localhost', interval 30s,
     * timeout 30s, retries 3, start period 0s}; {@code <none>} without one.
     */
    static String healthCheck(HealthCheck h) {
        if (h.equals(HealthCheck.NONE)) {
            return "<none>";
        }
        return probe(h) + ", interval " + Durations.format(h.interval()) + ", timeout "
                + Durations.format(h.timeout()) + ", retries " + h.retries() + ", start period "
                + Durations.format(h.startPeriod());
    }

    /** {@code cmd …}, {@code http GET :8080/healthz} or {@code tcp :5432}. */
    private static String probe(HealthCheck h) {
        if (!h.cmd().isEmpty()) {
            return "cmd " + shellWords(h.cmd());
        }
        if (h.httpGet().isPresent()) {
            return "http GET :" + h.httpGet().get().port() + h.httpGet().get().path();
        }
        if (h.tcp().isPresent()) {
            return "tcp :" + h.tcp().get().port();
        }
        return "<none>";
    }

    private static String resources(ResourceList r) {
        if (r.isEmpty()) {
            return "<none>";
        }
        List<String> parts = new ArrayList<>();
        if (r.cpus() > 0) {
            parts.add("cpus " + Tables.cpus(r.cpus()));
        }
        if (!r.memory().isZero()) {
            parts.add("memory " + r.memory());
        }
        return String.join(", ", parts);
    }

    private static String restart(RestartPolicy p) {
        return p.condition().value() + ", delay " + Durations.format(p.delay()) + ", max attempts "
                + (p.maxAttempts() == 0 ? "unlimited" : p.maxAttempts()) + ", window " + Durations.format(p.window());
    }

    private static String update(UpdateConfig u) {
        return "parallelism " + u.parallelism() + ", delay " + Durations.format(u.delay()) + ", on failure "
                + u.failureAction().value() + ", monitor " + Durations.format(u.monitor()) + ", max failure ratio "
                + Tables.cpus(u.maxFailureRatio()) + ", order "
                + u.order().value();
    }

    /** {@code spread=node.labels.zone}, as the flag is written. */
    private static String preference(PlacementPreference p) {
        return "spread=" + p.spread();
    }
}
