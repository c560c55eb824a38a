package dev.berth.bench.failover;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Entry point of the node-loss benchmark ({@code deploy/bench-failover.sh} runs it once per system
 * on a fresh 3-node lab, then once more to print the table):
 *
 * <pre>
 * java -cp … dev.berth.bench.failover.NodeLossBenchmark run --system berth|swarm [--runs 5] [--replicas 6]
 *     [--mode kill|cut] [--lab deploy/lab.sh] [--berth-url http://10.99.0.11:4243] [--image berth-examples/sleep:1]
 *     [--timeout 120] --results FILE
 * java -cp … dev.berth.bench.failover.NodeLossBenchmark report --results FILE
 * </pre>
 *
 * <p>Each run: a new service of R replicas, waited for until it runs spread evenly over the three
 * nodes (recreated if the system placed it otherwise); node 3 dies ({@code lab.sh kill 3}, or
 * {@code cut 3}) and the clock starts at the blow itself (node 3's dockerd gone, or its link
 * down); the system is polled every {@link #POLL} until it marks node 3 down and counts R running
 * replicas, none on node 3. Then node 3 comes back ({@code revive}/{@code mend}), and once the
 * system lists it ready again and {@link #SETTLE} has passed, the running containers of the service
 * on all three engines must number R: no slot runs twice. The service is removed before the next run.
 */
public final class NodeLossBenchmark {

    private static final Logger LOG = LogManager.getLogger(NodeLossBenchmark.class);

    /** The figures' resolution: how often the system is asked. */
    static final Duration POLL = Duration.ofMillis(100);
    /** How long after node 3 is ready again the containers are counted. */
    static final Duration SETTLE = Duration.ofSeconds(5);
    private static final int NODES = 3;
    private static final int LOST = 3;

    private static final Map<String, String> DEFAULTS = Map.of(
            "--system", "berth",
            "--runs", "5",
            "--replicas", "6",
            "--mode", "kill",
            "--lab", "deploy/lab.sh",
            "--berth-url", "http://10.99.0.11:4243",
            "--image", "berth-examples/sleep:1",
            "--timeout", "120",
            "--results", "");

    private final Contestant system;
    private final LabControl lab;
    private final int replicas;
    private final boolean cut;
    private final Duration timeout;
    /** Why the last view failed, for the message when a wait times out. */
    private String lastViewError = "none";

    NodeLossBenchmark(Contestant system, LabControl lab, int replicas, boolean cut, Duration timeout) {
        this.system = system;
        this.lab = lab;
        this.replicas = replicas;
        this.cut = cut;
        this.timeout = timeout;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out; // a benchmark's figures are its output
        List<String> list = Arrays.asList(args);
        if (list.isEmpty() || !(list.get(0).equals("run") || list.get(0).equals("report"))) {
            out.println("usage: NodeLossBenchmark run|report [options]; options: " + DEFAULTS.keySet());
            System.exit(2);
        }
        Map<String, String> o = new HashMap<>(DEFAULTS);
        for (int i = 1; i < list.size(); i += 2) {
            if (!DEFAULTS.containsKey(list.get(i)) || i + 1 >= list.size()) {
                out.println("unknown or incomplete option: " + list.get(i) + "; options: " + DEFAULTS.keySet());
                System.exit(2);
            }
            o.put(list.get(i), list.get(i + 1));
        }
        if (o.get("--results").isEmpty()) {
            out.println("--results FILE is required");
            System.exit(2);
        }
        Path results = Path.of(o.get("--results"));
        if (list.get(0).equals("report")) {
            List<RunResult> all = Files.exists(results) ? Files.readAllLines(results).stream()
                    .filter(l -> !l.isBlank()).map(RunResult::parse).toList() : List.of();
            out.print(new FailoverReport(all).render());
            System.exit(0);
        }
        int replicas = Integer.parseInt(o.get("--replicas"));
        int runs = Integer.parseInt(o.get("--runs"));
        boolean cut = switch (o.get("--mode")) {
            case "kill" -> false;
            case "cut" -> true;
            default -> throw new IllegalArgumentException("--mode is kill or cut, not " + o.get("--mode"));
        };
        LabControl lab = new LabControl(Path.of(o.get("--lab")));
        Duration timeout = Duration.ofSeconds(Long.parseLong(o.get("--timeout")));
        try (DockerClient manager = LabControl.docker(1)) {
            Contestant c = switch (o.get("--system")) {
                case "berth" -> new BerthContestant(o.get("--berth-url"), o.get("--image"));
                // by id: see SwarmContestant (the script made the id the same on every engine)
                case "swarm" -> new SwarmContestant(manager, manager.inspectImageCmd(o.get("--image")).exec().getId());
                default -> throw new IllegalArgumentException("--system is berth or swarm, not " + o.get("--system"));
            };
            NodeLossBenchmark bench = new NodeLossBenchmark(c, lab, replicas, cut, timeout);
            for (int run = 1; run <= runs; run++) {
                RunResult r = bench.run(run);
                out.println(FailoverReport.line(r));
                Files.writeString(results, r.toLine() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
        }
        System.exit(0);
    }

    /** One run: spread, blow, replacements, revive, duplicate check, cleanup. */
    RunResult run(int run) throws Exception {
        String service = "failover-" + system.name() + "-" + run;
        awaitView(service, "all nodes ready", v -> v.node(1) == ClusterView.NodeCondition.READY
                && v.node(2) == ClusterView.NodeCondition.READY && v.node(LOST) == ClusterView.NodeCondition.READY, timeout);
        spreadService(service);

        long t0;
        LabControl.Running striker;
        if (cut) {
            striker = lab.start("cut", Integer.toString(LOST));
            t0 = LabControl.awaitDeath(striker, () -> LabControl.linkDown(LOST));
        } else {
            long pid = LabControl.dockerdPid(LOST).orElseThrow(() -> new IOException("node " + LOST + " has no dockerd pid file"));
            striker = lab.start("kill", Integer.toString(LOST));
            t0 = LabControl.awaitDeath(striker, () -> LabControl.processDead(pid));
        }
        OptionalDouble markedDown = OptionalDouble.empty();
        OptionalDouble replaced = OptionalDouble.empty();
        while ((markedDown.isEmpty() || replaced.isEmpty()) && since(t0) < timeout.toSeconds()) {
            ClusterView v = viewOrNull(service);
            double at = since(t0);
            if (v != null) {
                if (markedDown.isEmpty() && v.node(LOST) == ClusterView.NodeCondition.DOWN) {
                    markedDown = OptionalDouble.of(at);
                }
                if (replaced.isEmpty() && v.replacedOff(LOST, replicas)) {
                    replaced = OptionalDouble.of(at);
                }
            }
            Thread.sleep(POLL.toMillis());
        }
        striker.await();
        if (replaced.isEmpty()) {
            LOG.warn("{}: replacements not all running after {}s", service, timeout.toSeconds());
        }

        long t1 = System.nanoTime();
        lab.run(cut ? "mend" : "revive", Integer.toString(LOST));
        boolean back = awaitView(service, "node " + LOST + " ready again", v -> v.node(LOST) == ClusterView.NodeCondition.READY,
                timeout);
        OptionalDouble backReady = back ? OptionalDouble.of(since(t1)) : OptionalDouble.empty();
        Thread.sleep(SETTLE.toMillis());
        int containers = runningContainers(service);

        system.removeService(service);
        if (!awaitTrue(() -> runningContainers(service) == 0, Duration.ofSeconds(60))) {
            LOG.warn("{}: containers still running 60 s after the service was removed", service);
        }
        return new RunResult(system.name(), run, markedDown, replaced, backReady, containers, replicas);
    }

    /** Creates the service until the system places it evenly over the three nodes (at most 3 tries). */
    private void spreadService(String service) throws Exception {
        for (int attempt = 1; attempt <= 3; attempt++) {
            long t = System.nanoTime();
            system.createService(service, replicas);
            boolean spread = awaitView(service, "spread", v -> v.evenlySpread(replicas, NODES), Duration.ofSeconds(60));
            if (spread) {
                LOG.info("{}: running, spread {} after {}s", service, FailoverReport.spread(system.view(service).spread(NODES)),
                        String.format(Locale.ROOT, "%.1f", since(t)));
                return;
            }
            ClusterView v = system.view(service);
            LOG.warn("{}: not spread evenly (running {} as {}): recreating", service, v.runningReplicas(),
                    FailoverReport.spread(v.spread(NODES)));
            system.removeService(service);
            awaitTrue(() -> runningContainers(service) == 0, Duration.ofSeconds(60));
        }
        throw new IOException(service + ": the system did not spread " + replicas + " replicas over " + NODES + " nodes");
    }

    /** Running containers of the service on the three engines; an engine that does not answer counts -1000. */
    int runningContainers(String service) {
        int n = 0;
        String prefix = "/" + service + ".";
        for (int node = 1; node <= NODES; node++) {
            try (DockerClient d = LabControl.docker(node)) {
                n += (int) d.listContainersCmd().withNameFilter(List.of(service + ".")).exec().stream()
                        .filter(c -> c.getNames() != null && Arrays.stream(c.getNames()).anyMatch(x -> x.startsWith(prefix)))
                        .count();
            } catch (Exception e) {
                LOG.warn("counting containers on node {}: {}", node, e.toString());
                n -= 1000;
            }
        }
        return n;
    }

    private boolean awaitView(String service, String what, Predicate<ClusterView> done, Duration limit)
            throws InterruptedException {
        boolean ok = awaitTrue(() -> {
            ClusterView v = viewOrNull(service);
            return v != null && done.test(v);
        }, limit);
        if (!ok) {
            LOG.warn("{}: not {} after {}s (last error asking the system: {})", service, what, limit.toSeconds(),
                    lastViewError);
        }
        return ok;
    }

    private static boolean awaitTrue(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long t0 = System.nanoTime();
        while (since(t0) < limit.toSeconds()) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(POLL.toMillis());
        }
        return false;
    }

    /** The system's view, or null while it does not answer (its manager may be busy or restarting). */
    private ClusterView viewOrNull(String service) {
        try {
            return system.view(service);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            lastViewError = e.toString();
            LOG.debug("view of {}: {}", service, e.toString());
            return null;
        }
    }

    private static double since(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
