package dev.berth.agent.network;

import com.github.dockerjava.api.DockerClient;
import dev.berth.api.Cidr;
import dev.berth.api.session.SessionMessage.NetworkMap;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Programs this node's part of the cluster network from each {@link NetworkMap}: the Docker
 * bridge network of the node's subnet ({@code berth} on bridge {@code berth0}, gateway the
 * subnet's first host, Docker's masquerading off), the routes to every other node's subnet
 * through that node's address ({@link Routes}), and the forward and masquerade rules in chains
 * of its own ({@link ContainerNetworkRules}). Once the bridge network exists it tells the
 * {@code onReady} listener (after every successful application), which lets held tasks start.
 *
 * <p>Maps are applied on a thread of its own, newest only ({@link #submit} coalesces bursts),
 * and only what changed is touched; a failed application is retried after {@link #RETRY_DELAY}
 * and everything is checked again every {@link #RESYNC_PERIOD} (a network removed by hand or
 * rules flushed by a firewall reload come back).
 *
 * <p>A network of the same name with another subnet is recreated when no container is attached
 * to it; otherwise the error names the containers, and tasks wait until a person removes them.
 */
public final class ContainerNetwork implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ContainerNetwork.class);

    /** How long after a failed application it is tried again. */
    public static final Duration RETRY_DELAY = Duration.ofSeconds(5);

    /** How often everything is checked again even if nothing changed. */
    public static final Duration RESYNC_PERIOD = Duration.ofSeconds(60);

    /**
     * The names the node's network uses (tests use their own, so they never touch a running
     * agent's network).
     *
     * @param networkName the Docker network
     * @param bridgeName the Linux bridge under it
     * @param chainPrefix the prefix of the iptables chains ({@code <prefix>-FWD}, {@code <prefix>-MASQ})
     */
    public record Options(String networkName, String bridgeName, String chainPrefix) {

        /**
         * Berth's own names. The chain prefix is {@code BERTHNET}, not {@code BERTH-NET}: the
         * service rules ({@link IptablesPortPublisher}) own every {@code BERTH-*} chain and delete
         * the ones they do not render.
         */
        public static final Options DEFAULT = new Options("berth", "berth0", "BERTHNET");

        public Options {
            Objects.requireNonNull(networkName, "networkName");
            Objects.requireNonNull(bridgeName, "bridgeName");
            Objects.requireNonNull(chainPrefix, "chainPrefix");
            if (bridgeName.length() > 15) {
                throw new IllegalArgumentException("bridge name \"" + bridgeName
                        + "\" is longer than the kernel's 15 characters");
            }
        }
    }

    /**
     * The node's network is there: containers may be created on it.
     *
     * @param networkName the Docker network to create containers on
     * @param subnet the node's subnet
     * @param gateway the bridge's address: the containers' DNS server
     * @param bridgeName the Linux bridge under the network, where plumbed containers' links go
     */
    public record Ready(String networkName, Cidr subnet, String gateway, String bridgeName) {
    }

    private final DockerNetworks networks;
    private final Options options;
    private final CommandRunner runner;
    private final Consumer<Ready> onReady;
    private final Duration retryDelay;
    private final ScheduledThreadPoolExecutor worker;
    private final AtomicReference<NetworkMap> pending = new AtomicReference<>();
    private volatile NetworkMap current;
    private volatile Optional<Ready> ready = Optional.empty();

    // on the worker thread only
    private String lastRules;
    private String lastRoutes;
    private String lastConflict;

    /** Programs the network on the engine {@code docker} with the real {@code ip} and {@code iptables}. */
    public ContainerNetwork(DockerClient docker, Options options, CommandRunner runner, Consumer<Ready> onReady) {
        this(DockerNetworks.of(docker), options, runner, onReady, RETRY_DELAY, RESYNC_PERIOD);
    }

    ContainerNetwork(DockerNetworks networks, Options options, CommandRunner runner, Consumer<Ready> onReady,
            Duration retryDelay, Duration resyncPeriod) {
        this.networks = networks;
        this.options = options;
        this.runner = runner;
        this.onReady = onReady;
        this.retryDelay = retryDelay;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "berth-container-network");
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.worker = executor;
        if (!resyncPeriod.isZero()) {
            worker.scheduleWithFixedDelay(this::resync, resyncPeriod.toMillis(), resyncPeriod.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** The names this network uses. */
    public Options options() {
        return options;
    }

    /** The node's network, once it exists. */
    public Optional<Ready> ready() {
        return ready;
    }

    /** Applies {@code map} soon, on the network's thread (any thread may call; never blocks). */
    public void submit(NetworkMap map) {
        current = map;
        pending.set(map);
        execute(this::drain);
    }

    private void execute(Runnable r) {
        try {
            worker.execute(r);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void drain() {
        NetworkMap map = pending.getAndSet(null);
        if (map == null) {
            return;
        }
        boolean ok;
        try {
            ok = apply(map);
        } catch (RuntimeException e) {
            LOG.warn("cannot program the cluster network: {}", e.toString(), e);
            ok = false;
        }
        if (!ok) {
            try {
                worker.schedule(() -> {
                    pending.compareAndSet(null, map);
                    drain();
                }, retryDelay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void resync() {
        forgetApplied();
        NetworkMap map = current;
        if (map != null) {
            pending.compareAndSet(null, map);
            drain();
        }
    }

    /** Makes the next application check everything again: the network, the rules, the routes. */
    synchronized void forgetApplied() {
        lastRules = null;
        lastRoutes = null;
        ready = Optional.empty();
    }

    /**
     * Applies {@code map} now, on the caller's thread (the network's own thread, or a test):
     * bridge network, forward and masquerade rules, routes. A map without a node subnet
     * changes nothing.
     *
     * @return whether everything was applied (false: try again later)
     */
    synchronized boolean apply(NetworkMap map) {
        if (map.nodeSubnet().isEmpty()) {
            return true;
        }
        Cidr subnet;
        Cidr containerCidr;
        try {
            subnet = Cidr.parse(map.nodeSubnet());
            containerCidr = Cidr.parse(map.network().containerCidr());
        } catch (IllegalArgumentException e) {
            LOG.error("the manager sent a network map this agent cannot use: {}", e.getMessage());
            return true; // trying again would not help; the next map may
        }
        boolean ok = true;
        Optional<Ready> now = ready;
        if (now.isEmpty() || !now.get().subnet().equals(subnet)) {
            try {
                now = ensureBridge(subnet);
            } catch (RuntimeException e) {
                LOG.warn("cannot set up Docker network {} for subnet {}: {}", options.networkName(), subnet,
                        e.getMessage());
                now = Optional.empty();
                ok = false;
            }
            ready = now;
        }
        try {
            applyRules(containerCidr, subnet);
        } catch (IOException e) {
            LOG.warn("cannot apply the cluster network's iptables rules: {}", e.getMessage());
            lastRules = null;
            ok = false;
        }
        try {
            ok &= applyRoutes(containerCidr, subnet, map);
        } catch (IOException e) {
            LOG.warn("cannot read or change the routes to other nodes: {}", e.getMessage());
            lastRoutes = null;
            ok = false;
        }
        if (now.isPresent()) {
            try {
                onReady.accept(now.get());
            } catch (RuntimeException e) {
                LOG.error("the cluster network's ready listener failed", e);
            }
        }
        return ok;
    }

    private Optional<Ready> ensureBridge(Cidr subnet) {
        ContainerNetworkRules.BridgeSpec spec = ContainerNetworkRules.bridge(options, subnet);
        Optional<DockerNetworks.Found> found = networks.inspect(spec.name());
        Ready result = new Ready(spec.name(), subnet, spec.gateway(), options.bridgeName());
        if (found.isPresent() && found.get().subnet().equals(spec.subnet())) {
            lastConflict = null;
            if (found.get().ipRange().equals(spec.ipRange()) || !found.get().containers().isEmpty()
                    || !linkedContainers().isEmpty()) {
                // A network of an earlier agent, without the range for containers attached by
                // hand, serves on until nothing is attached to it.
                return Optional.of(result);
            }
            LOG.info("Docker network {} has no address range for containers attached by hand: recreating it "
                    + "(nothing is attached to it)", spec.name());
            networks.remove(spec.name());
            networks.create(spec);
            return Optional.of(result);
        }
        if (found.isPresent()) {
            List<String> attached = new java.util.ArrayList<>(found.get().containers());
            attached.addAll(linkedContainers());
            if (!attached.isEmpty()) {
                String conflict = spec.name() + found.get() + attached;
                if (!conflict.equals(lastConflict)) {
                    LOG.error("Docker network {} has subnet {}, but this node's subnet is {}; containers {} are "
                            + "attached to it. Remove them (or the network) so that the agent can recreate it; "
                            + "tasks wait until then", spec.name(), found.get().subnet(), subnet, attached);
                    lastConflict = conflict;
                }
                return Optional.empty();
            }
            LOG.info("Docker network {} has subnet {} instead of {}: recreating it", spec.name(),
                    found.get().subnet(), subnet);
            networks.remove(spec.name());
        }
        networks.create(spec);
        lastConflict = null;
        LOG.info("created Docker network {} (bridge {}, subnet {}, gateway {})", spec.name(), options.bridgeName(),
                subnet, spec.gateway());
        return Optional.of(result);
    }

    /**
     * The host ends of the containers the agent linked to the bridge itself ({@link VethPlumber}):
     * the engine does not count them as attached to its network.
     */
    private List<String> linkedContainers() {
        try {
            CommandRunner.Result r = runner.run(List.of("ip", "-o", "link", "show", "master", options.bridgeName()), "");
            if (!r.ok()) {
                return List.of();
            }
            return r.stdout().lines()
                    .flatMap(l -> IpLinkLines.name(l).stream())
                    .filter(name -> name.startsWith(VethPlumber.HOST_LINK_PREFIX))
                    .toList();
        } catch (IOException e) {
            LOG.debug("cannot list the links on bridge {}: {}", options.bridgeName(), e.toString());
            return List.of();
        }
    }

    private void applyRules(Cidr containerCidr, Cidr subnet) throws IOException {
        String rules = ContainerNetworkRules.render(options, containerCidr, subnet);
        if (rules.equals(lastRules)) {
            return;
        }
        CommandRunner.Result r = runner.run(List.of("iptables-restore", "-w", "--noflush"), rules);
        if (!r.ok()) {
            throw new IOException("iptables-restore failed (exit " + r.exitCode() + "): " + r.stderr().strip());
        }
        for (ContainerNetworkRules.Jump jump : ContainerNetworkRules.jumps(options)) {
            if (iptables(jump, "-C", List.of()).ok()) {
                continue;
            }
            CommandRunner.Result insert = iptables(jump, "-I", List.of("1"));
            if (!insert.ok()) {
                throw new IOException("iptables -t " + jump.table() + " -I " + jump.chain() + " failed: "
                        + insert.stderr().strip());
            }
        }
        lastRules = rules;
    }

    private CommandRunner.Result iptables(ContainerNetworkRules.Jump jump, String op, List<String> position)
            throws IOException {
        List<String> argv = new java.util.ArrayList<>(List.of("iptables", "-w", "-t", jump.table(), op,
                jump.chain()));
        argv.addAll(position);
        argv.addAll(jump.spec());
        return runner.run(argv, "");
    }

    private boolean applyRoutes(Cidr containerCidr, Cidr subnet, NetworkMap map) throws IOException {
        String key = containerCidr + " " + subnet + " " + map.peers();
        if (key.equals(lastRoutes)) {
            return true;
        }
        CommandRunner.Result show = runner.run(List.of("ip", "-4", "route", "show"), "");
        if (!show.ok()) {
            throw new IOException("ip route show failed: " + show.stderr().strip());
        }
        List<List<String>> commands = Routes.plan(containerCidr, Optional.of(subnet), map.peers(),
                Routes.parse(show.stdout()));
        boolean ok = true;
        for (List<String> command : commands) {
            CommandRunner.Result r = runner.run(command, "");
            if (r.ok()) {
                LOG.info("{}", String.join(" ", command));
            } else {
                LOG.warn("{} failed: {}", String.join(" ", command), r.stderr().strip());
                ok = false;
            }
        }
        lastRoutes = ok ? key : null;
        return ok;
    }

    /**
     * Takes out everything this network put in: the jumps and chains, the routes to other
     * nodes' subnets inside {@code containerCidr}, and the Docker network if no container is
     * attached to it (for {@code berth stop} and tests).
     */
    public synchronized void removeAll(Cidr containerCidr) throws IOException {
        for (ContainerNetworkRules.Jump jump : ContainerNetworkRules.jumps(options)) {
            for (int i = 0; i < 10 && iptables(jump, "-C", List.of()).ok(); i++) {
                iptables(jump, "-D", List.of());
            }
        }
        for (ContainerNetworkRules.Jump jump : ContainerNetworkRules.jumps(options)) {
            runner.run(List.of("iptables", "-w", "-t", jump.table(), "-F", jump.target()), "");
            runner.run(List.of("iptables", "-w", "-t", jump.table(), "-X", jump.target()), "");
        }
        CommandRunner.Result show = runner.run(List.of("ip", "-4", "route", "show"), "");
        if (show.ok()) {
            Optional<Cidr> own = ready.map(Ready::subnet);
            for (List<String> command : Routes.plan(containerCidr, own, List.of(), Routes.parse(show.stdout()))) {
                runner.run(command, "");
            }
        }
        Optional<DockerNetworks.Found> found = networks.inspect(options.networkName());
        if (found.isPresent() && found.get().containers().isEmpty() && linkedContainers().isEmpty()) {
            networks.remove(options.networkName());
        }
        ready = Optional.empty();
        lastRules = null;
        lastRoutes = null;
    }

    /** Stops the network's thread; what it programmed stays (running containers keep their network). */
    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
