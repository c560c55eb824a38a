package dev.berth.agent;

import dev.berth.agent.executor.DockerExecutor;
import dev.berth.agent.executor.ExecutorException;
import dev.berth.agent.network.IptablesPortPublisher;
import dev.berth.agent.network.PortCheck;
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
 * under the worker and the port publisher beside it, wired together. One per server; a manager
 * runs one too (as its own node).
 *
 * <pre>{@code
 * try (Agent agent = new Agent(AgentConfig.of(List.of("10.0.0.1:4243"), Path.of("/var/lib/berth"))).start()) {
 *     ... // runs until closed
 * }
 * }</pre>
 */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(Agent.class);

    private final AgentConfig config;
    private Vertx vertx;
    private final boolean ownsVertx;
    private DockerExecutor executor;
    private TaskWorker worker;
    private IptablesPortPublisher publisher;
    private AgentSession session;
    private volatile String engineVersion = "";

    /** An agent with a Vert.x of its own (made when it starts). */
    public Agent(AgentConfig config) {
        this(null, config, true);
    }

    /** An agent on the caller's Vert.x (which the caller closes). */
    public Agent(Vertx vertx, AgentConfig config) {
        this(java.util.Objects.requireNonNull(vertx, "vertx"), config, false);
    }

    private Agent(Vertx vertx, AgentConfig config, boolean ownsVertx) {
        this.vertx = vertx;
        this.config = config;
        this.ownsVertx = ownsVertx;
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
        if (config.publishPorts()) {
            publisher = new IptablesPortPublisher();
            listener = publisher;
            PortCheck check = new PortCheck(publisher::publishedPorts);
            admission = check::check;
        }
        worker = new TaskWorker(executor, this::publish, listener, Clock.systemUTC(), config.workerThreads())
                .withAdmission(admission).start();
        AgentSessionConfig sessionConfig = AgentSessionConfig.of(config.managers(), config.stateDir(), this::hello);
        if (config.tls().isPresent()) {
            sessionConfig = sessionConfig.withTls(config.tls().get());
        }
        session = new AgentSession(vertx, sessionConfig, worker);
        session.start();
        LOG.info("agent started: managers {}{}, role {}", config.managers(),
                config.tls().isPresent() ? " (mutual TLS)" : "", config.role());
        return this;
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
