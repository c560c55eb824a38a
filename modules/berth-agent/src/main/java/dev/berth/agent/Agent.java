package dev.berth.agent;

import dev.berth.agent.executor.DockerExecutor;
import dev.berth.agent.executor.ExecutorException;
import dev.berth.agent.network.ContainerAddresses;
import dev.berth.agent.network.ContainerNetwork;
import dev.berth.agent.network.IptablesPortPublisher;
import dev.berth.agent.network.NodeDns;
import dev.berth.agent.network.PortCheck;
import dev.berth.agent.network.ProcessCommandRunner;
import dev.berth.agent.network.StaticBusybox;
import dev.berth.agent.network.VethPlumber;
import dev.berth.agent.session.AgentSession;
import dev.berth.agent.session.AgentSessionConfig;
import dev.berth.agent.worker.TaskWorker;
import dev.berth.api.ByteSize;
import dev.berth.api.ResourceList;
import dev.berth.api.session.SessionMessage;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The node agent: a session to the managers, the task worker behind it, the Docker executor
 * under the worker and, on the cluster network, the node's network beside it (the bridge network,
 * routes and rules of {@link ContainerNetwork}, the cluster DNS of {@link NodeDns}, the services'
 * rules of {@link IptablesPortPublisher}), all fed by the network maps the session receives.
 * One per server; a manager runs one too (as its own node).
 *
 * <pre>{@code
 * try (Agent agent = new Agent(AgentConfig.of(List.of("10.0.0.1:4243"), Path.of("/var/lib/berth"))).start()) {
 *     ... // runs until closed
 * }
 * }</pre>
 */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(Agent.class);
    /** The state directory's subdirectory of the containers' hosts, hostname and resolv.conf. */
    static final String CONTAINER_FILES = "containers";

    private final AgentConfig config;
    private final Networking networking;
    private Vertx vertx;
    private final boolean ownsVertx;
    private DockerExecutor executor;
    private TaskWorker worker;
    private IptablesPortPublisher publisher;
    private ContainerNetwork network;
    private NodeDns dns;
    private AgentSession session;
    private volatile String engineVersion = "";

    /** An agent with a Vert.x of its own (made when it starts). */
    public Agent(AgentConfig config) {
        this(null, config, true, Networking.DEFAULT);
    }

    /** An agent on the caller's Vert.x (which the caller closes). */
    public Agent(Vertx vertx, AgentConfig config) {
        this(java.util.Objects.requireNonNull(vertx, "vertx"), config, false, Networking.DEFAULT);
    }

    /** An agent whose cluster network uses other names (tests, beside the host's own agent). */
    Agent(Vertx vertx, AgentConfig config, Networking networking) {
        this(java.util.Objects.requireNonNull(vertx, "vertx"), config, false, networking);
    }

    private Agent(Vertx vertx, AgentConfig config, boolean ownsVertx, Networking networking) {
        this.vertx = vertx;
        this.config = config;
        this.ownsVertx = ownsVertx;
        this.networking = networking;
    }

    /**
     * How the cluster network is set up on this node.
     *
     * @param options the Docker network, bridge and chain names
     * @param dnsPort the cluster DNS's port on the gateway
     * @param servicePorts whether the services' rules are programmed (tests that must not touch
     *     Berth's own chains turn them off)
     */
    record Networking(ContainerNetwork.Options options, int dnsPort, boolean servicePorts) {
        static final Networking DEFAULT = new Networking(ContainerNetwork.Options.DEFAULT, 53, true);
    }

    /**
     * Connects to the engine, adopts nothing yet (that happens on the first full assignment set),
     * and opens the session. An unreachable engine is logged, not fatal: the node registers and
     * its tasks fail with the engine's error until the engine answers.
     */
    public synchronized Agent start() {
        if (vertx == null) {
            vertx = Vertx.vertx();
        }
        executor = new DockerExecutor(config.dockerHost(), this::nodeId);
        try {
            engineVersion = executor.engineVersion();
            LOG.info("agent uses Docker {} at {}", engineVersion, config.dockerHost());
        } catch (ExecutorException e) {
            LOG.warn("{}; tasks cannot run until it answers", e.getMessage());
        }
        LocalTasksListener listener = LocalTasksListener.NONE;
        TaskAdmission admission = TaskAdmission.ALL;
        NetworkMapListener maps = NetworkMapListener.NONE;
        ContainerAddresses addresses = null;
        if (config.clusterNetwork()) {
            Optional<java.nio.file.Path> busybox = StaticBusybox.find();
            if (networking.servicePorts()) {
                publisher = new IptablesPortPublisher();
                if (busybox.isPresent()) {
                    publisher.withHairpinByLinks();
                }
                PortCheck check = new PortCheck(publisher::publishedPorts);
                admission = check::check;
            }
            addresses = new ContainerAddresses();
            if (busybox.isPresent()) {
                try {
                    executor.withNetworkPlumbing(new VethPlumber(new ProcessCommandRunner()), busybox.get(),
                            config.stateDir().resolve(CONTAINER_FILES));
                    executor.pruneContainerFiles();
                } catch (IllegalArgumentException e) {
                    LOG.warn("{}: tasks join the cluster network through the engine's network, which takes the engine "
                            + "longer per task", e.getMessage());
                }
            } else {
                LOG.warn("no statically linked busybox at /bin/busybox (Debian: busybox-static): tasks join the "
                        + "cluster network through the engine's network, which takes the engine longer per task");
            }
            dns = new NodeDns(vertx, config.dnsUpstreams(), networking.dnsPort(), Clock.systemUTC());
            network = new ContainerNetwork(executor.client(), networking.options(), new ProcessCommandRunner(),
                    this::networkReady);
            maps = this::onNetworkMap;
        }
        worker = new TaskWorker(executor, this::publish, listener, Clock.systemUTC(), config.workerThreads())
                .withAdmission(admission);
        if (addresses != null) {
            worker.withClusterNetwork(addresses);
        }
        worker.start();
        AgentSessionConfig sessionConfig = AgentSessionConfig.of(config.managers(), config.stateDir(), this::hello);
        if (config.tls().isPresent()) {
            sessionConfig = sessionConfig.withTls(config.tls().get());
        }
        session = new AgentSession(vertx, sessionConfig, worker, maps);
        session.start();
        LOG.info("agent started: managers {}{}, role {}", config.managers(),
                config.tls().isPresent() ? " (mutual TLS)" : "", config.role());
        return this;
    }

    /** A network map from the managers (on the session's thread: nothing here blocks). */
    private void onNetworkMap(SessionMessage.NetworkMap map) {
        network.submit(map);
        dns.update(map.services());
        if (publisher != null) {
            publisher.update(map, nodeId().orElse(""));
        }
    }

    /** The node's cluster network, when the agent is on it (tests: cleanup). */
    Optional<ContainerNetwork> containerNetwork() {
        return Optional.ofNullable(network);
    }

    /** The node's bridge network exists (on the network's thread, after each successful map). */
    private void networkReady(ContainerNetwork.Ready ready) {
        TaskWorker w = worker;
        if (w != null) {
            w.networkReady(ready);
        }
        dns.networkReady(ready.gateway());
    }

    private void publish(SessionMessage.TaskStatusUpdate update) {
        AgentSession s = session;
        if (s != null) {
            s.publish(update);
        }
    }

    /** The node's description, sent in every Hello. */
    SessionMessage.Hello hello() {
        DockerExecutor docker = executor;
        if (engineVersion.isEmpty() && docker != null) {
            // The engine was down when the agent started: ask again, off the caller's (event-loop)
            // thread, so that the next Hello carries the version.
            java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    engineVersion = docker.engineVersion();
                } catch (ExecutorException e) {
                    LOG.debug("the engine still does not answer: {}", e.getMessage());
                }
            });
        }
        return new SessionMessage.Hello(config.nodeId().orElse(""), config.hostname(), config.advertiseAddress(),
                config.role(), nodeResources(), engineVersion, config.labels());
    }

    /** The CPUs and memory of this machine (what the OS tells the JVM). */
    public static ResourceList nodeResources() {
        long memory = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        return new ResourceList(Runtime.getRuntime().availableProcessors(), new ByteSize(Math.max(0, memory)));
    }

    /** The node's id: the fixed one, else the one the managers gave (empty before the first Welcome). */
    public Optional<String> nodeId() {
        if (config.nodeId().isPresent()) {
            return config.nodeId();
        }
        AgentSession s = session;
        return s == null ? Optional.empty() : s.nodeId();
    }

    /** Whether the session to a manager is open. */
    public boolean isConnected() {
        AgentSession s = session;
        return s != null && s.isConnected();
    }

    /** The task worker (for status and tests). */
    public TaskWorker worker() {
        return worker;
    }

    public AgentConfig config() {
        return config;
    }

    /** Closes the session and stops watching; the containers keep running (the next agent adopts them). */
    @Override
    public synchronized void close() {
        if (session != null) {
            session.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (network != null) {
            network.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (executor != null) {
            executor.close();
        }
        if (ownsVertx && vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("closing Vert.x: {}", e.toString());
            }
        }
        LOG.info("agent stopped");
    }
}
