package dev.berth.agent.session;

import dev.berth.agent.AssignmentHandler;
import dev.berth.agent.NetworkMapListener;
import dev.berth.agent.StatusPublisher;
import dev.berth.api.Task;
import dev.berth.api.codec.Codec;
import dev.berth.api.session.SessionMessage;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The agent's session with a manager: one WebSocket at a time to {@code /api/v1/session} of one
 * of the configured managers (over TLS with the node's certificate when the config has TLS
 * material: a manager's cluster port). It says Hello, keeps the node id the Welcome gives (in
 * {@code <stateDir>/agent-node-id}), heartbeats at the period the manager asks, hands every
 * Assignments message to the {@link AssignmentHandler} and every NetworkMap to the
 * {@link NetworkMapListener} (keeping the last one), and sends the worker's status updates
 * in batches (every 50 ms, or at once when 100 wait). When the connection fails or ends it
 * tries the next manager after a backoff (doubling from the config's minimum to its maximum),
 * forever, until {@link #close()}; after each Welcome it sends again the newest update of every
 * task it still has.
 *
 * <p>All the session's work runs on one Vert.x context; {@link #publish} and the accessors are
 * safe from any thread. The handler is called on that context and must not block.
 */
public final class AgentSession implements StatusPublisher, AutoCloseable {

    /** The manager's WebSocket path for agent sessions. */
    public static final String PATH = "/api/v1/session";
    /** How long status updates are collected before they are sent. */
    public static final Duration FLUSH_INTERVAL = Duration.ofMillis(50);
    /** The most updates sent in one StatusReport. */
    public static final int MAX_BATCH = 100;

    private static final Logger LOG = LogManager.getLogger(AgentSession.class);
    private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    private static final long WELCOME_TIMEOUT_MS = 10_000;
    private static final long CONNECT_TIMEOUT_MS = 5_000;

    private final Vertx vertx;
    private final AgentSessionConfig config;
    private final AssignmentHandler handler;
    private final NetworkMapListener networkListener;
    private volatile Optional<SessionMessage.NetworkMap> networkMap = Optional.empty();
    private final Context context;
    private final WebSocketClient client;
    private final StatusBuffer statuses = new StatusBuffer(MAX_BATCH);
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private volatile String nodeId = "";
    private volatile boolean connected;
    private volatile boolean closed;

    // on the context only
    private final List<ManagerAddress> managers;
    private int next;
    private Duration delay;
    private ClientWebSocket ws;
    private ManagerAddress current;
    private long heartbeatTimer = -1;
    private long welcomeTimer = -1;
    private long reconnectTimer = -1;
    /** When the manager last answered a ping (System.nanoTime()). */
    private long lastPong;
    private boolean started;
    /** Whether the last attempt failed too, so a failure is logged once, not on every retry. */
    private boolean failing;

    /** A session whose network maps are only kept ({@link #networkMap()}). */
    public AgentSession(Vertx vertx, AgentSessionConfig config, AssignmentHandler handler) {
        this(vertx, config, handler, NetworkMapListener.NONE);
    }

    /** A session that hands assignments to {@code handler} and network maps to {@code networkListener}. */
    public AgentSession(Vertx vertx, AgentSessionConfig config, AssignmentHandler handler,
            NetworkMapListener networkListener) {
        this.vertx = vertx;
        this.config = config;
        this.handler = handler;
        this.networkListener = networkListener;
        this.context = vertx.getOrCreateContext();
        this.managers = config.managers().stream().map(ManagerAddress::parse).toList();
        this.delay = config.minBackoff();
        this.client = vertx.createWebSocketClient(clientOptions(config));
        this.nodeId = readNodeId(config.nodeIdFile()).orElse("");
    }

    /**
     * The WebSocket client's options: with TLS material, TLS with the node's certificate, and
     * trust in the cluster CA only (the manager's certificate must chain to it and name the
     * address the agent dials: the manager's certificate carries its advertise address).
     */
    static WebSocketClientOptions clientOptions(AgentSessionConfig config) {
        WebSocketClientOptions options = new WebSocketClientOptions()
                .setMaxMessageSize(MAX_MESSAGE_BYTES)
                .setConnectTimeout((int) CONNECT_TIMEOUT_MS);
        if (config.tls().isPresent()) {
            SessionTls tls = config.tls().get();
            options.setSsl(true)
                    .setVerifyHost(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certificate().toString())
                            .setKeyPath(tls.key().toString()))
                    .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()));
        }
        return options;
    }

    /** Connects (in the background) and keeps a session open until {@link #close()}. */
    public void start() {
        context.runOnContext(v -> {
            if (!started && !closed) {
                started = true;
                connect();
            }
        });
    }

    /** The node id, once a manager welcomed this agent (or one was kept from an earlier run). */
    public Optional<String> nodeId() {
        return nodeId.isEmpty() ? Optional.empty() : Optional.of(nodeId);
    }

    /** The last network map a manager sent (kept across reconnects), or empty before the first. */
    public Optional<SessionMessage.NetworkMap> networkMap() {
        return networkMap;
    }

    /** Whether a session is open now (welcomed and not yet lost). */
    public boolean isConnected() {
        return connected;
    }

    @Override
    public void publish(TaskStatusUpdate update) {
        boolean full = statuses.add(update);
        if (!connected) {
            return;
        }
        if (full) {
            context.runOnContext(v -> flush());
        } else if (flushScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> vertx.setTimer(FLUSH_INTERVAL.toMillis(), id -> {
                flushScheduled.set(false);
                flush();
            }));
        }
    }

    /** Ends the session (the manager marks the node down) and stops reconnecting; waits up to 5 s. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            cancel(reconnectTimer);
            cancel(heartbeatTimer);
            cancel(welcomeTimer);
            connected = false;
            ClientWebSocket socket = ws;
            ws = null;
            var closing = socket == null ? io.vertx.core.Future.<Void>succeededFuture() : socket.close();
            closing.eventually(() -> client.close()).onComplete(ar -> done.tryComplete());
            LOG.info("agent session closed");
        });
        if (!Context.isOnEventLoopThread()) {
            try {
                done.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.debug("closing the agent session: {}", e.toString());
            }
        }
    }

    // -- on the context -------------------------------------------------------------------------

    private void connect() {
        reconnectTimer = -1;
        if (closed) {
            return;
        }
        ManagerAddress address = managers.get(next % managers.size());
        current = address;
        ClientWebSocket socket = client.webSocket();
        socket.textMessageHandler(text -> {
            if (socket == ws) {
                onText(text);
            }
        });
        socket.closeHandler(v -> {
            if (socket == ws) {
                lost("connection closed");
            }
        });
        socket.exceptionHandler(e -> LOG.debug("session with {}: {}", address, e.toString()));
        socket.pongHandler(b -> {
            if (socket == ws) {
                lastPong = System.nanoTime();
            }
        });
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(address.host())
                .setPort(address.port()).setURI(PATH).setConnectTimeout(CONNECT_TIMEOUT_MS)
                .setSsl(config.tls().isPresent())
                // a handshake that never gets an answer must fail too, or the agent waits forever
                .setTimeout(CONNECT_TIMEOUT_MS);
        LOG.debug("connecting to manager {}", address);
        socket.connect(options).onComplete(ar -> {
            if (ar.failed()) {
                retry(address, ar.cause().getMessage());
                return;
            }
            if (closed) {
                socket.close();
                return;
            }
            SessionMessage.Hello hello;
            try {
                hello = hello();
            } catch (RuntimeException e) {
                // e.g. the engine cannot say its version yet: try again later
                socket.close();
                retry(address, "cannot describe this node: " + e.getMessage());
                return;
            }
            ws = socket;
            send(hello);
            welcomeTimer = vertx.setTimer(WELCOME_TIMEOUT_MS, id -> {
                welcomeTimer = -1;
                if (socket == ws && !connected) {
                    lost("no Welcome within " + WELCOME_TIMEOUT_MS + " ms");
                    socket.close();
                }
            });
        });
    }

    private SessionMessage.Hello hello() {
        SessionMessage.Hello h = config.hello().get();
        if (!h.nodeId().isEmpty() || nodeId.isEmpty()) {
            return h;
        }
        return new SessionMessage.Hello(nodeId, h.hostname(), h.address(), h.role(), h.resources(),
                h.engineVersion(), h.labels());
    }

    private void onText(String text) {
        SessionMessage message;
        try {
            message = Codec.json().readValue(text, SessionMessage.class);
        } catch (Exception e) {
            LOG.warn("unreadable message from manager {}: {}", current, e.getMessage());
            return;
        }
        if (message instanceof SessionMessage.Welcome welcome) {
            welcomed(welcome);
        } else if (message instanceof SessionMessage.Assignments assignments) {
            assigned(assignments);
        } else if (message instanceof SessionMessage.NetworkMap map) {
            networkMapped(map);
        } else if (message instanceof SessionMessage.Error error) {
            LOG.info("manager {} ends the session: {} {}", current, error.code(), error.message());
        } else {
            LOG.debug("unexpected {} from manager {}", message.getClass().getSimpleName(), current);
        }
    }

    private void welcomed(SessionMessage.Welcome welcome) {
        cancel(welcomeTimer);
        welcomeTimer = -1;
        String previous = nodeId;
        nodeId = welcome.nodeId();
        connected = true;
        delay = config.minBackoff();
        failing = false;
        LOG.info("session open with manager {} as node {}", current, nodeId);
        if (!nodeId.equals(previous) || !Files.exists(config.nodeIdFile())) {
            String id = nodeId;
            vertx.executeBlocking(() -> {
                writeNodeId(config.nodeIdFile(), id);
                return null;
            }, false).onFailure(e -> LOG.warn("cannot keep the node id in {}: {}", config.nodeIdFile(),
                    e.getMessage()));
        }
        long period = Math.max(10, welcome.heartbeatPeriodMillis());
        lastPong = System.nanoTime();
        send(new SessionMessage.Heartbeat());
        heartbeatTimer = vertx.setPeriodic(period, id -> heartbeat(period));
        statuses.reconnected();
        flush();
    }

    private void assigned(SessionMessage.Assignments assignments) {
        if (assignments.full()) {
            Set<String> ids = new HashSet<>();
            for (Task t : assignments.tasks()) {
                ids.add(t.id());
            }
            statuses.retainOnly(ids);
        } else {
            statuses.forget(assignments.removed());
        }
        try {
            handler.onAssignments(assignments);
        } catch (RuntimeException e) {
            LOG.error("the assignment handler failed on {} task(s): {}", assignments.tasks().size(), e.toString(), e);
        }
    }

    private void networkMapped(SessionMessage.NetworkMap map) {
        networkMap = Optional.of(map);
        try {
            networkListener.onNetworkMap(map);
        } catch (RuntimeException e) {
            LOG.error("the network map listener failed: {}", e.toString(), e);
        }
    }

    /**
     * Sends a Heartbeat, and a ping: the manager's WebSocket answers pings by itself, so a
     * manager that has gone silent (host down, no TCP reset) is noticed after a few periods
     * instead of the kernel's retransmission timeout.
     */
    private void heartbeat(long period) {
        ClientWebSocket socket = ws;
        if (socket == null || !connected) {
            return;
        }
        long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastPong);
        if (silentMs > Math.max(3 * period, 3000)) {
            lost("no answer from the manager for " + silentMs + " ms");
            socket.close();
            return;
        }
        send(new SessionMessage.Heartbeat());
        socket.writePing(Buffer.buffer());
    }

    private void flush() {
        if (!connected || ws == null) {
            return;
        }
        while (statuses.hasPending()) {
            send(new SessionMessage.StatusReport(statuses.nextBatch()));
        }
    }

    private void send(SessionMessage message) {
        ClientWebSocket socket = ws;
        if (socket != null && !socket.isClosed()) {
            socket.writeTextMessage(Codec.toJson(message));
        }
    }

    /** The open connection ended: reconnect. */
    private void lost(String reason) {
        boolean wasConnected = connected;
        connected = false;
        ws = null;
        cancel(heartbeatTimer);
        heartbeatTimer = -1;
        cancel(welcomeTimer);
        welcomeTimer = -1;
        if (closed) {
            return;
        }
        if (wasConnected) {
            LOG.info("session with manager {} lost ({}); reconnecting", current, reason);
            // the loss is logged: further failed attempts only at debug level
            failing = true;
        }
        retry(current, reason);
    }

    private void retry(ManagerAddress address, String reason) {
        if (closed || reconnectTimer >= 0) {
            return;
        }
        if (!failing) {
            LOG.info("cannot reach manager {} ({}); retrying with backoff", address, reason);
            failing = true;
        } else {
            LOG.debug("manager {} unreachable: {}", address, reason);
        }
        next++;
        long wait = delay.toMillis();
        Duration doubled = delay.multipliedBy(2);
        delay = doubled.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : doubled;
        reconnectTimer = vertx.setTimer(wait, id -> connect());
    }

    private void cancel(long timer) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    // -- the node id file -----------------------------------------------------------------------

    static Optional<String> readNodeId(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            String id = Files.readString(file, StandardCharsets.UTF_8).trim();
            return id.isEmpty() ? Optional.empty() : Optional.of(id);
        } catch (IOException e) {
            LOG.warn("cannot read the node id from {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    static void writeNodeId(Path file, String id) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
