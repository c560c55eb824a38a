package dev.berth.manager.dispatcher;

import dev.berth.api.ByteSize;
import dev.berth.api.Ids;
import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeStatus;
import dev.berth.api.Task;
import dev.berth.api.codec.Codec;
import dev.berth.api.session.SessionMessage;
import dev.berth.api.validation.ValidationException;
import dev.berth.manager.api.NodeRegistration;
import dev.berth.store.StoreException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.PutOption;
import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One agent's session on this manager. Everything but the store calls runs on the WebSocket's
 * event-loop context, so the fields need no locks; only {@link #enqueue} (called by the task
 * informer's thread) shares its buffer.
 *
 * <p>Hello → the session key is put under a new lease, then the Node registered or refreshed →
 * Welcome → the full assignment set → the network map → deltas and new network maps. Heartbeats
 * keep the lease alive; none for a TTL ends the session, and an ended session revokes its lease,
 * so the node goes down at once.
 */
final class NodeSession {

    private static final Logger LOG = LogManager.getLogger(NodeSession.class);

    private enum State { HELLO, REGISTERING, OPEN, ENDED }

    private final Dispatcher dispatcher;
    private final ServerWebSocket ws;
    private final Context context;
    private final long ttlMillis;
    private final String remote;
    /** The node id of the peer's verified client certificate, on the cluster port. */
    private final Optional<String> verifiedNodeId;

    private State state = State.HELLO;
    private String nodeId;
    private long leaseId;
    private long helloTimer = -1;
    private long watchdog = -1;
    private long lastHeartbeat;
    private long lastKeepAlive;
    private long lastRecorded;
    /** The last network map sent to the agent: a rebuilt map equal to it is not sent again. */
    private SessionMessage.NetworkMap lastMap;
    /** Ids of the tasks the agent was told about and not yet told are gone. */
    private final Set<String> known = new HashSet<>();

    // shared with the informer's thread
    private final Object lock = new Object();
    private List<AssignmentDiff.Change> pending = new ArrayList<>();
    private boolean flushScheduled;

    NodeSession(Dispatcher dispatcher, ServerWebSocket ws, Context context, Optional<String> verifiedNodeId) {
        this.verifiedNodeId = verifiedNodeId;
        this.dispatcher = dispatcher;
        this.ws = ws;
        this.context = context;
        this.ttlMillis = dispatcher.config().sessionTtlSeconds() * 1000;
        this.remote = String.valueOf(ws.remoteAddress());
    }

    void start() {
        ws.textMessageHandler(this::onText);
        ws.binaryMessageHandler(b -> fail(400, "binary frames are not part of the session protocol"));
        ws.exceptionHandler(e -> LOG.debug("session from {} failed: {}", remote, e.toString()));
        ws.closeHandler(v -> ended());
        helloTimer = context.owner().setTimer(dispatcher.config().helloTimeout().toMillis(), id -> {
            if (state == State.HELLO) {
                fail(408, "no Hello within " + dispatcher.config().helloTimeout().toSeconds() + "s");
            }
        });
    }

    /** Queues an assignment change for the agent; thread-safe, never blocks. */
    void enqueue(AssignmentDiff.Change change) {
        synchronized (lock) {
            pending.add(change);
            if (flushScheduled) {
                return;
            }
            flushScheduled = true;
        }
        context.runOnContext(v -> flush());
    }

    /** Sends the node's network map unless the agent already has this one; from any thread. */
    void network(SessionMessage.NetworkMap map) {
        context.runOnContext(v -> {
            if (state == State.OPEN && !map.equals(lastMap)) {
                lastMap = map;
                send(map);
            }
        });
    }

    /** Sends {@code Error(code, message)} and closes; from any thread. */
    void end(int code, String message) {
        context.runOnContext(v -> fail(code, message));
    }

    // -- event loop -----------------------------------------------------------------------------

    private void onText(String text) {
        SessionMessage message;
        try {
            message = Codec.json().readValue(text, SessionMessage.class);
        } catch (Exception e) {
            fail(400, "cannot read the message: " + e.getMessage());
            return;
        }
        if (state == State.HELLO) {
            if (message instanceof SessionMessage.Hello hello) {
                hello(hello);
            } else {
                fail(400, "the first message of a session must be Hello, got " + message.getClass().getSimpleName());
            }
            return;
        }
        if (message instanceof SessionMessage.Heartbeat) {
            heartbeat();
        } else if (message instanceof SessionMessage.StatusReport report) {
            if (state == State.OPEN) {
                dispatcher.ingest().submit(nodeId, report.updates());
            }
        } else if (message instanceof SessionMessage.Error error) {
            LOG.info("agent of node {} ends its session: {} {}", nodeId, error.code(), error.message());
            ws.close();
        } else if (state != State.ENDED) {
            fail(400, "unexpected " + message.getClass().getSimpleName() + " from an agent");
        }
    }

    private void hello(SessionMessage.Hello hello) {
        cancelTimer(helloTimer);
        if (verifiedNodeId.isPresent() && !hello.nodeId().isEmpty() && !hello.nodeId().equals(verifiedNodeId.get())) {
            // still in HELLO: the close hands the session back to the dispatcher
            fail(403, "the client certificate is node " + verifiedNodeId.get() + "'s; this Hello claims node "
                    + hello.nodeId());
            return;
        }
        state = State.REGISTERING;
        String id = verifiedNodeId.orElse(hello.nodeId().isEmpty() ? Ids.random() : hello.nodeId());
        long ttl = dispatcher.config().sessionTtlSeconds();
        dispatcher.worker().<Long>executeBlocking(() -> register(id, hello, ttl), false).onComplete(ar -> {
            if (ar.failed() && state != State.REGISTERING) {
                dispatcher.ended(this, null, 0);
                return;
            }
            if (ar.failed()) {
                // nothing is held (register() handed its lease back): the close that follows
                // returns the session to the dispatcher like one that never said Hello
                state = State.HELLO;
            }
            if (ar.failed() && ar.cause() instanceof RemovedNode) {
                fail(403, ar.cause().getMessage());
                return;
            }
            if (ar.failed()) {
                LOG.warn("cannot open the session of node {} ({}): {}", id, hello.hostname(),
                        ar.cause().toString());
                // a bad node description will not get better by retrying; anything else may
                fail(ar.cause() instanceof ValidationException ? 400 : 503,
                        "cannot register node " + id + ": " + ar.cause().getMessage());
                return;
            }
            leaseId = ar.result();
            nodeId = id;
            if (state != State.REGISTERING) {
                // the socket closed meanwhile
                dispatcher.ended(this, null, leaseId);
                return;
            }
            open(hello);
        });
    }

    /**
     * Puts the session key under a new lease, then registers the node (in this order: the leader
     * must never see the node ready without its key). Returns the lease id. Worker thread.
     */
    private long register(String id, SessionMessage.Hello hello, long ttl) throws Exception {
        if (verifiedNodeId.isPresent() && dispatcher.store().get(Kind.NODE, id).isEmpty()) {
            throw new RemovedNode(id);
        }
        var leases = dispatcher.store().client().getLeaseClient();
        long lease = leases.grant(ttl).get(10, TimeUnit.SECONDS).getID();
        try {
            ByteSequence value = ByteSequence.from(hello.hostname(), StandardCharsets.UTF_8);
            dispatcher.store().client().getKVClient().put(dispatcher.keyOf(id), value,
                    PutOption.builder().withLeaseId(lease).build()).get(10, TimeUnit.SECONDS);
            NodeRole role = "manager".equalsIgnoreCase(hello.role()) ? NodeRole.MANAGER : NodeRole.WORKER;
            NodeRegistration registration = new NodeRegistration(id, hello.hostname(), hello.address(), role,
                    hello.resources().cpus(), hello.resources().memory(), hello.engineVersion(), hello.labels());
            if (verifiedNodeId.isPresent()) {
                refreshExisting(id, registration);
            } else {
                dispatcher.operations().register(registration, LivenessRules.SESSION_OPEN);
            }
            return lease;
        } catch (Exception | Error e) {
            leases.revoke(lease);
            throw e;
        }
    }

    /**
     * Refreshes the status of a node that joined with a certificate; never creates it, so a node
     * removed while its agent was away cannot come back by reconnecting. Worker thread.
     */
    private void refreshExisting(String id, NodeRegistration registration) {
        for (int attempt = 1; ; attempt++) {
            Optional<Node> stored = dispatcher.store().get(Kind.NODE, id);
            if (stored.isEmpty()) {
                throw new RemovedNode(id);
            }
            try {
                dispatcher.store().update(registration.refresh(stored.get(), dispatcher.clock().instant(),
                        LivenessRules.SESSION_OPEN));
                return;
            } catch (StoreException.Conflict | StoreException.NotFound e) {
                if (attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    /** A certified node whose Node object is gone: it was removed and must join again. */
    private static final class RemovedNode extends RuntimeException {
        RemovedNode(String id) {
            super("node " + id + " was removed from the cluster: join it again");
        }
    }

    private void open(SessionMessage.Hello hello) {
        state = State.OPEN;
        long now = System.nanoTime();
        lastHeartbeat = now;
        lastKeepAlive = now;
        lastRecorded = now;
        dispatcher.opened(nodeId, this);
        send(new SessionMessage.Welcome(nodeId, dispatcher.config().heartbeatPeriod().toMillis()));
        // Registered above before the snapshot: a change racing with it is queued and sent after.
        List<Task> assigned = dispatcher.assignedTo(nodeId);
        assigned.forEach(t -> known.add(t.id()));
        send(new SessionMessage.Assignments(true, assigned, List.of()));
        // the agent needs its subnet before it can start a task on the cluster network
        lastMap = dispatcher.networkMapOf(nodeId);
        send(lastMap);
        LOG.info("node {} ({}, {}) opened its session from {}: {} task(s) assigned", nodeId, hello.hostname(),
                hello.address(), remote, assigned.size());
        long period = dispatcher.config().heartbeatPeriod().toMillis();
        watchdog = context.owner().setPeriodic(period, period, id -> checkHeartbeat());
        flush();
    }

    private void heartbeat() {
        if (state != State.OPEN) {
            return;
        }
        long now = System.nanoTime();
        lastHeartbeat = now;
        if (TimeUnit.NANOSECONDS.toMillis(now - lastKeepAlive) >= ttlMillis / 3) {
            lastKeepAlive = now;
            long lease = leaseId;
            dispatcher.store().client().getLeaseClient().keepAliveOnce(lease).whenComplete((r, e) -> {
                if (e != null || r.getTTL() <= 0) {
                    end(503, "the session's lease is gone" + (e == null ? "" : ": " + e.getMessage()));
                }
            });
        }
        long sinceRecorded = TimeUnit.NANOSECONDS.toMillis(now - lastRecorded);
        if (sinceRecorded >= dispatcher.config().heartbeatRecordPeriod().toMillis()) {
            lastRecorded = now;
            String id = nodeId;
            Instant at = dispatcher.clock().instant();
            dispatcher.worker().executeBlocking(() -> recordHeartbeat(id, at), false);
        }
    }

    /** Writes {@code status.lastHeartbeat}, once in a while; a conflict just skips this one. */
    private Void recordHeartbeat(String id, Instant at) {
        try {
            Optional<Node> node = dispatcher.store().get(Kind.NODE, id);
            if (node.isPresent()) {
                NodeStatus s = node.get().status();
                dispatcher.store().update(node.get().withStatus(new NodeStatus(s.state(), s.message(), s.hostname(),
                        s.address(), s.resources(), s.engineVersion(), Optional.of(at))));
            }
        } catch (StoreException e) {
            LOG.debug("cannot record the heartbeat of node {}: {}", id, e.getMessage());
        }
        return null;
    }

    private void checkHeartbeat() {
        if (state == State.OPEN && TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastHeartbeat) > ttlMillis) {
            LOG.info("node {}: no heartbeat for {} ms; ending its session", nodeId, ttlMillis);
            fail(408, "no heartbeat for " + ttlMillis + " ms");
        }
    }

    private void flush() {
        List<AssignmentDiff.Change> changes;
        synchronized (lock) {
            if (state != State.OPEN) {
                // sent once the full set is out (or dropped with the session)
                flushScheduled = false;
                return;
            }
            changes = pending;
            pending = new ArrayList<>();
            flushScheduled = false;
        }
        if (changes.isEmpty()) {
            return;
        }
        // the last change of each task wins; a removal is news only for a task the agent knows
        Map<String, Optional<Task>> last = new LinkedHashMap<>();
        for (AssignmentDiff.Change c : changes) {
            if (c.task().isPresent()) {
                last.remove(c.task().get().id());
                last.put(c.task().get().id(), c.task());
            } else {
                last.remove(c.removed().get());
                last.put(c.removed().get(), Optional.empty());
            }
        }
        List<Task> tasks = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Map.Entry<String, Optional<Task>> e : last.entrySet()) {
            if (e.getValue().isPresent()) {
                tasks.add(e.getValue().get());
                known.add(e.getKey());
            } else if (known.remove(e.getKey())) {
                removed.add(e.getKey());
            }
        }
        if (!tasks.isEmpty() || !removed.isEmpty()) {
            send(new SessionMessage.Assignments(false, tasks, removed));
        }
    }

    private void send(SessionMessage message) {
        if (!ws.isClosed()) {
            ws.writeTextMessage(Codec.toJson(message));
        }
    }

    /** Tells the agent why and closes the socket. */
    private void fail(int code, String message) {
        if (state == State.ENDED || ws.isClosed()) {
            return;
        }
        if (code != 503 && code != 409) {
            LOG.info("session {} from {}: {} {}", nodeId == null ? "(no Hello yet)" : "of node " + nodeId, remote,
                    code, message);
        }
        ws.writeTextMessage(Codec.toJson(new SessionMessage.Error(code, message)))
                .onComplete(ar -> ws.close());
    }

    private void ended() {
        if (state == State.ENDED) {
            return;
        }
        boolean wasOpen = state == State.OPEN;
        boolean registering = state == State.REGISTERING;
        state = State.ENDED;
        cancelTimer(helloTimer);
        cancelTimer(watchdog);
        synchronized (lock) {
            pending.clear();
        }
        if (registering) {
            // hello() sees ENDED and hands the lease back
            return;
        }
        dispatcher.ended(this, nodeId, leaseId);
        if (wasOpen) {
            LOG.info("session of node {} ended", nodeId);
        }
    }

    private void cancelTimer(long id) {
        if (id >= 0) {
            context.owner().cancelTimer(id);
        }
    }
}
