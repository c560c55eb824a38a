package dev.berth.agent.network;

import dev.berth.api.Cidr;
import dev.berth.api.session.SessionMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Applies {@link ServiceRules} to the kernel with {@code iptables-restore --noflush}: the
 * services' virtual IPs and the routing mesh follow the cluster's
 * {@link SessionMessage.NetworkMap}. Applications are serialized and happen only when the
 * rendered ruleset changed; {@link #update} coalesces bursts (only the newest map is applied),
 * retries a failed application after {@link #RETRY_DELAY} and re-applies the current ruleset
 * every {@link #RESYNC_PERIOD}, so rules flushed by someone else (a firewall reload) come back,
 * as kube-proxy's periodic sync does.
 *
 * <p>Closing the publisher (agent stop) leaves the rules in place: the containers keep running
 * while the agent is away, and Swarm likewise keeps serving the mesh while a node runs tasks; the
 * restarted agent re-applies the ruleset from the next network map. {@link #removeAll()} takes
 * everything out (for {@code berth stop}, once the node's tasks are stopped).
 *
 * <p>Besides iptables it sets two kernel switches, and leaves them set (as kube-proxy and the
 * engine do, since another component may rely on them): {@code route_localnet} so that
 * 127.0.0.1 can be DNATed, and {@code hairpin_mode} on the ports of the bridge holding this
 * node's tasks, so that a task calling its own service can be balanced onto itself (the
 * bridge otherwise never sends a frame back out of the port it came in on, and that
 * connection stalls).
 */
public final class IptablesPortPublisher implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(IptablesPortPublisher.class);

    /** The switch that lets the kernel route packets from 127.0.0.1 to a container. */
    public static final Path ROUTE_LOCALNET = Path.of("/proc/sys/net/ipv4/conf/all/route_localnet");

    /** Where the kernel shows network interfaces and bridge ports. */

    /** How long after a failed application it is tried again. */
    public static final Duration RETRY_DELAY = Duration.ofSeconds(5);

    /** How often the current ruleset is re-applied even if nothing changed. */
    public static final Duration RESYNC_PERIOD = Duration.ofSeconds(60);

    /**
     * The shortest time between two applications. While many tasks start, the maps come every
     * 50 ms and each application spawns iptables; applying at most five times a second keeps a
     * starting node's CPU for its containers, and a change still reaches the kernel well within a
     * second.
     */
    public static final Duration MIN_APPLY_INTERVAL = Duration.ofMillis(200);

    /** What the rules are computed from: the cluster's map, seen from one node. */
    private record Input(SessionMessage.NetworkMap map, String localNodeId) {
    }

    private final ServiceRules.Options options;
    private final CommandRunner runner;
    private final Path routeLocalnet;
    private final ScheduledExecutorService worker;
    private final AtomicReference<Input> pending = new AtomicReference<>();
    private final AtomicBoolean resyncScheduled = new AtomicBoolean();
    private final Duration retryDelay;
    private final Duration resyncPeriod;
    private final Duration minApplyInterval;
    /** When the last application ended ({@link System#nanoTime()}); worker thread only. */
    private volatile long lastApplyNanos = System.nanoTime() - Duration.ofDays(1).toNanos();

    /** The ruleset in force, or null when it must be applied again. */
    private String lastApplied;
    /** The last ruleset applied successfully, for logging changes only. */
    private String lastRendered;
    private Input lastInput;
    /** Whether the jumps of an earlier agent version were looked for (once is enough). */
    private boolean legacyJumpsRemoved;
    /**
     * Berth's nat chains as the last application left them; null when they must be read from
     * {@code iptables-save} (first application, after a failure, at every resync). Saves an
     * iptables-save per application.
     */
    private Set<String> knownNatChains;
    /** Whether the jump rules were checked since the last resync (they are not re-checked every time). */
    private boolean jumpsVerified;
    /** The local task addresses whose bridge ports got hairpin mode since the last resync. */
    private Set<String> hairpinned = Set.of();
    /** Whether the links of the node's containers are made in hairpin mode already ({@link VethPlumber}). */
    private volatile boolean hairpinByLinks;
    private volatile Map<PublishedPort, String> published = Map.of();

    /**
     * Leaves hairpin mode to whoever links the containers ({@link VethPlumber} makes every link
     * in hairpin mode): the publisher then no longer looks for bridge ports without it, which
     * costs two {@code ip} processes per application while tasks start.
     */
    public IptablesPortPublisher withHairpinByLinks() {
        this.hairpinByLinks = true;
        return this;
    }

    /** A publisher with Berth's chain names, the real iptables and the real sysctl. */
    public IptablesPortPublisher() {
        this(ServiceRules.Options.DEFAULT, new ProcessCommandRunner(), ROUTE_LOCALNET);
    }

    /**
     * A publisher with the given chain names, command runner, and route_localnet switch
     * (tests use their own chain prefix so they never touch a running
     * agent's rules).
     */
    public IptablesPortPublisher(ServiceRules.Options options, CommandRunner runner, Path routeLocalnet) {
        this(options, runner, routeLocalnet, RETRY_DELAY, RESYNC_PERIOD, MIN_APPLY_INTERVAL);
    }

    IptablesPortPublisher(ServiceRules.Options options, CommandRunner runner, Path routeLocalnet,
            Duration retryDelay, Duration resyncPeriod) {
        this(options, runner, routeLocalnet, retryDelay, resyncPeriod, Duration.ZERO);
    }

    IptablesPortPublisher(ServiceRules.Options options, CommandRunner runner, Path routeLocalnet,
            Duration retryDelay, Duration resyncPeriod, Duration minApplyInterval) {
        this.retryDelay = retryDelay;
        this.resyncPeriod = resyncPeriod;
        this.minApplyInterval = minApplyInterval;
        this.options = options;
        this.runner = runner;
        this.routeLocalnet = routeLocalnet;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "berth-service-rules");
            t.setDaemon(true);
            return t;
        });
        // On close, finish the application in progress but drop pending retries and resyncs.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.worker = executor;
    }

    /**
     * Asks for the rules of this network map to be applied on the publisher's own thread (never
     * blocks the caller; any thread). While an application runs, newer calls replace each
     * other: only the newest map is applied next. Failures are logged and retried.
     *
     * @param map the cluster's network map, as the manager last sent it
     * @param localNodeId this node's id (decides the tasks of host-mode ports)
     */
    public void update(SessionMessage.NetworkMap map, String localNodeId) {
        offer(new Input(Objects.requireNonNull(map, "map"), localNodeId == null ? "" : localNodeId));
        if (resyncScheduled.compareAndSet(false, true)) {
            try {
                worker.scheduleWithFixedDelay(this::resync, resyncPeriod.toMillis(), resyncPeriod.toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("service rules publisher closed; no resync");
            }
        }
    }

    private void offer(Input input) {
        if (pending.getAndSet(input) == null) {
            try {
                long wait = Math.max(0, lastApplyNanos + minApplyInterval.toNanos() - System.nanoTime());
                worker.schedule(this::drain, wait, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                pending.set(null);
                LOG.debug("service rules publisher closed; ignoring a network map");
            }
        }
    }

    private void drain() {
        Input next = pending.getAndSet(null);
        if (next == null) {
            return;
        }
        try {
            apply(next.map(), next.localNodeId());
            lastApplyNanos = System.nanoTime();
        } catch (IOException | RuntimeException e) {
            LOG.error("could not apply the service rules (retrying in {} ms): {}", retryDelay.toMillis(),
                    e.getMessage(), e);
            try {
                // Only if nothing newer arrived meanwhile: a newer map is applied anyway.
                worker.schedule(() -> {
                    if (pending.compareAndSet(null, next)) {
                        drain();
                    }
                }, retryDelay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                LOG.debug("service rules publisher closed; no retry");
            }
        }
    }

    private void resync() {
        Input current;
        synchronized (this) {
            current = lastInput;
            if (current == null || pending.get() != null) {
                return;
            }
            forgetAppliedAndRecheck();
        }
        offer(current);
    }

    /**
     * Applies the rules of this network map now, unless the same ruleset is already applied.
     *
     * @param map the cluster's network map
     * @param localNodeId this node's id (decides the tasks of host-mode ports)
     * @return whether iptables was changed
     * @throws IOException when iptables fails; the previous ruleset then stays in force (the
     *     restore is atomic) and the next call tries again
     */
    public synchronized boolean apply(SessionMessage.NetworkMap map, String localNodeId) throws IOException {
        String nodeId = localNodeId == null ? "" : localNodeId;
        ServiceRules rules = ServiceRules.compute(options, map, nodeId);
        rules.conflicts().forEach(LOG::warn);
        String desired = rules.render();
        if (desired.equals(lastApplied)) {
            return false;
        }
        String before = lastRendered;
        lastApplied = null;
        if (!rules.nodePorts().isEmpty()) {
            enableRouteLocalnet();
        }
        Set<String> existing = knownNatChains != null ? knownNatChains : chains("nat");
        knownNatChains = null;
        restore(rules.render(existing));
        knownNatChains = rules.natChains();
        if (!jumpsVerified) {
            ensureJumps();
            jumpsVerified = true;
        }
        Set<String> local = rules.localAddresses(nodeId);
        if (!hairpinByLinks && !hairpinned.containsAll(local)) {
            enableHairpin(local);
            hairpinned = Set.copyOf(local);
        }
        lastApplied = desired;
        lastRendered = desired;
        lastInput = new Input(map, nodeId);
        published = rules.owners();
        if (desired.equals(before)) {
            LOG.debug("re-applied the service rules");
        } else {
            LOG.info("service rules on this node: {}", rules.describe());
        }
        return true;
    }

    /**
     * Makes the next application read the tables and check the jumps and hairpin mode again,
     * even if the ruleset is unchanged (the periodic resync: someone may have flushed the tables).
     */
    synchronized void forgetAppliedAndRecheck() {
        lastApplied = null;
        knownNatChains = null;
        jumpsVerified = false;
        hairpinned = Set.of();
    }

    /** Re-applies the last ruleset even if unchanged (after someone else flushed the tables). */
    public synchronized void forgetApplied() {
        lastApplied = null;
    }

    /**
     * Which service owns each port published on this node (ports with at least one ready task
     * to send their traffic to), for {@link PortCheck}.
     */
    public Map<PublishedPort, String> publishedPorts() {
        return published;
    }

    /**
     * Removes every chain and jump rule of Berth's (by name, so it also cleans up after an agent
     * that is gone, or of an earlier version). The kernel switches stay as they are (see the
     * class comment).
     */
    public synchronized void removeAll() throws IOException {
        List<ServiceRules.JumpRule> all = new ArrayList<>(ServiceRules.jumps(options));
        all.addAll(ServiceRules.legacyJumps(options));
        for (ServiceRules.JumpRule jump : all) {
            deleteAll(jump);
        }
        String removal = ServiceRules.renderRemoval(options, chains("nat"), chains("filter"));
        if (!removal.isEmpty()) {
            restore(removal);
        }
        lastApplied = null;
        knownNatChains = null;
        jumpsVerified = false;
        hairpinned = Set.of();
        lastRendered = null;
        lastInput = null;
        published = Map.of();
        LOG.info("removed the service rules ({} chains)", options.prefix() + "-*");
    }

    /** Deletes every copy of a jump rule (racing agents may have inserted it twice). */
    private void deleteAll(ServiceRules.JumpRule jump) throws IOException {
        for (int i = 0; i < 10 && iptables(jump, "-C").ok(); i++) {
            CommandRunner.Result r = iptables(jump, "-D");
            if (!r.ok()) {
                throw new IOException("iptables -D " + jump.chain() + " failed: " + r.stderr().strip());
            }
        }
    }

    /** Stops the publisher's thread; the rules stay (see the class comment). */
    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void enableRouteLocalnet() throws IOException {
        String current = Files.readString(routeLocalnet).strip();
        if (!"1".equals(current)) {
            // Without it the kernel drops DNATed packets whose source is 127.0.0.1 as martians.
            Files.writeString(routeLocalnet, "1");
            LOG.info("enabled {} so that 127.0.0.1 reaches published ports", routeLocalnet);
        }
    }

    /**
     * Turns hairpin mode on for every port of the bridges that hold this node's tasks, through
     * netlink ({@code ip link set … type bridge_slave hairpin on}): with {@code br_netfilter}
     * loaded (Docker loads it), a task balanced onto itself through a virtual IP or a published
     * port gets its own packet back out of the bridge port it came in by, which a bridge does only
     * in hairpin mode. Netlink rather than {@code /sys/class/net}: sysfs shows the namespace it was
     * mounted in, not necessarily the agent's (lab nodes). Not fatal: without it only a task
     * calling its own service is affected.
     */
    private void enableHairpin(Set<String> ips) {
        if (ips.isEmpty()) {
            return;
        }
        try {
            CommandRunner.Result addrs = runner.run(List.of("ip", "-o", "-4", "addr", "show"), "");
            if (!addrs.ok()) {
                throw new IOException("ip addr show failed: " + addrs.stderr().strip());
            }
            for (String bridge : interfacesFor(addrs.stdout(), ips)) {
                CommandRunner.Result ports = runner.run(List.of("ip", "-d", "-o", "link", "show", "master", bridge), "");
                if (!ports.ok()) {
                    continue; // not a bridge
                }
                for (String port : portsWithoutHairpin(ports.stdout())) {
                    CommandRunner.Result set = runner.run(
                            List.of("ip", "link", "set", "dev", port, "type", "bridge_slave", "hairpin", "on"), "");
                    if (!set.ok()) {
                        throw new IOException("ip link set dev " + port + " hairpin on failed: " + set.stderr().strip());
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("could not turn on hairpin mode (a task calling its own service may stall): {}",
                    e.getMessage());
        }
    }

    /**
     * The bridge ports that are not in hairpin mode yet, from {@code ip -d -o link show master BR}
     * output (lines like {@code 12: veth1a2b@if11: <BROADCAST,…> … bridge_slave … hairpin off …}).
     */
    static List<String> portsWithoutHairpin(String ipLinkShow) {
        List<String> ports = new ArrayList<>();
        for (String line : ipLinkShow.split("\n")) {
            if (!line.contains(" hairpin on ")) {
                IpLinkLines.name(line).ifPresent(ports::add);
            }
        }
        return List.copyOf(ports);
    }

    /**
     * The interfaces whose IPv4 subnet holds one of the addresses, from {@code ip -o -4 addr
     * show} output (lines like {@code 5: docker0    inet 172.17.0.1/16 brd ...}).
     */
    static Set<String> interfacesFor(String ipAddrShow, Collection<String> ips) {
        Set<String> found = new LinkedHashSet<>();
        for (String line : ipAddrShow.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 4 || !"inet".equals(f[2]) || !f[3].contains("/")) {
                continue;
            }
            String name = f[1].contains("@") ? f[1].substring(0, f[1].indexOf('@')) : f[1];
            Cidr subnet;
            try {
                String[] cidr = f[3].split("/");
                subnet = new Cidr(Cidr.parseAddress(cidr[0]), Integer.parseInt(cidr[1]));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (ips.stream().anyMatch(ip -> Cidr.isAddress(ip) && subnet.contains(ip))) {
                found.add(name);
            }
        }
        return found;
    }

    private void restore(String input) throws IOException {
        CommandRunner.Result r = runner.run(List.of("iptables-restore", "-w", "--noflush"), input);
        if (!r.ok()) {
            throw new IOException("iptables-restore failed (exit " + r.exitCode() + "): " + r.stderr().strip());
        }
    }

    private void ensureJumps() throws IOException {
        if (!legacyJumpsRemoved) {
            for (ServiceRules.JumpRule jump : ServiceRules.legacyJumps(options)) {
                deleteAll(jump);
            }
            legacyJumpsRemoved = true;
        }
        for (ServiceRules.JumpRule jump : ServiceRules.jumps(options)) {
            CommandRunner.Result check = iptables(jump, "-C");
            if (check.ok()) {
                continue;
            }
            CommandRunner.Result insert = iptables(jump, "-I");
            if (!insert.ok()) {
                throw new IOException("iptables -t " + jump.table() + " -I " + jump.chain() + " failed: "
                        + insert.stderr().strip());
            }
        }
    }

    private CommandRunner.Result iptables(ServiceRules.JumpRule jump, String op) throws IOException {
        List<String> argv = new ArrayList<>(List.of("iptables", "-w", "-t", jump.table(), op, jump.chain()));
        if ("-I".equals(op)) {
            // First, ahead of the engine's own rules: a published port and a VIP are Berth's.
            argv.add("1");
        }
        argv.addAll(jump.spec());
        return runner.run(argv, "");
    }

    /** The chain names in one table, read from {@code iptables-save}. */
    private Set<String> chains(String table) throws IOException {
        CommandRunner.Result r = runner.run(List.of("iptables-save", "-t", table), "");
        if (!r.ok()) {
            throw new IOException("iptables-save -t " + table + " failed: " + r.stderr().strip());
        }
        return parseChains(r.stdout());
    }

    static Set<String> parseChains(String save) {
        Set<String> chains = new LinkedHashSet<>();
        for (String line : save.split("\n")) {
            if (line.startsWith(":")) {
                int space = line.indexOf(' ');
                chains.add(space < 0 ? line.substring(1) : line.substring(1, space));
            }
        }
        return chains;
    }
}
