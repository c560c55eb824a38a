package dev.berth.manager.dispatcher;

import dev.berth.api.ApiObject;
import dev.berth.api.Cluster;
import dev.berth.api.Endpoints;
import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.Task;
import dev.berth.api.session.SessionMessage;
import dev.berth.controllers.Indexes;
import dev.berth.manager.api.ApiOperations;
import dev.berth.store.etcd.EtcdStore;
import dev.berth.store.informer.EventHandler;
import dev.berth.store.informer.Informer;
import dev.berth.store.informer.StoreInformer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Lease;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The manager's end of the agent sessions: accepts WebSockets at {@link #PATH}, one
 * {@link NodeSession} each, over one task informer (indexed by node) and one
 * {@link StatusIngest} shared by all of them.
 *
 * <pre>{@code
 * Dispatcher dispatcher = new Dispatcher(vertx, store, operations, clock, DispatcherConfig.defaults());
 * dispatcher.start();                       // lists the tasks
 * apiServer.sessions(dispatcher::accept);   // before listen()
 * ...
 * dispatcher.shutdown();                    // ends the sessions, leases stay
 * dispatcher.close();                       // then revokes the leases
 * }</pre>
 *
 * <p>Each session's lease is bound to {@link #sessionKey} of its node; {@link NodeLiveness} (on
 * the leader) turns those keys into node states.
 *
 * <p>Each session also gets its node's {@link SessionMessage.NetworkMap} ({@link NetworkMaps}),
 * built from informers of the nodes, the Endpoints and the Cluster: first right after the full
 * assignment set; then the maps are rebuilt {@link #NETWORK_MAP_DELAY} ms after a change of any
 * of those objects (so a burst of Endpoints writes costs one rebuild), and a node gets its new map
 * only when it differs from the last one it got.
 */
public final class Dispatcher implements AutoCloseable {

    /** The WebSocket path of agent sessions on the API's port. */
    public static final String PATH = dev.berth.manager.api.ApiServer.SESSION_PATH;

    private static final Logger LOG = LogManager.getLogger(Dispatcher.class);
    private static final int WORKER_THREADS = 4;
    /** How long changes of the network's objects are collected before the maps are rebuilt. */
    static final long NETWORK_MAP_DELAY = 50;

    private final Vertx vertx;
    private final EtcdStore store;
    private final ApiOperations operations;
    private final Clock clock;
    private final DispatcherConfig config;
    private final Informer<Task> tasks;
    /**
     * Nodes, to end the session of a node removed from the cluster at once, and for the network
     * maps (subnets and addresses).
     */
    private final Informer<Node> nodes;
    /** Every service's endpoints and the Cluster object: with the nodes, the network maps. */
    private final Informer<Endpoints> endpoints;
    private final Informer<Cluster> clusters;
    private final AtomicBoolean mapsScheduled = new AtomicBoolean();
    private final StatusIngest ingest;
    private final WorkerExecutor worker;
    /** node id -> its open session on this manager. */
    private final Map<String, NodeSession> byNode = new ConcurrentHashMap<>();
    /** Every session of this manager, open or still saying Hello. */
    private final Set<NodeSession> all = ConcurrentHashMap.newKeySet();
    /** Leases of sessions that ended while the manager was shutting down: revoked by {@link #close}. */
    private final Set<Long> leasesToRevoke = ConcurrentHashMap.newKeySet();
    private volatile boolean shuttingDown;
    private boolean closed;

    public Dispatcher(Vertx vertx, EtcdStore store, ApiOperations operations, Clock clock, DispatcherConfig config) {
        this.vertx = vertx;
        this.store = store;
        this.operations = operations;
        this.clock = clock;
        this.config = config;
        this.tasks = new StoreInformer<>(store, Kind.TASK);
        this.nodes = new StoreInformer<>(store, Kind.NODE);
        nodes.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Node n) {
                networkChanged();
            }

            @Override
            public void onUpdate(Node oldN, Node newN) {
                if (!oldN.spec().subnet().equals(newN.spec().subnet())
                        || !oldN.status().address().equals(newN.status().address())) {
                    networkChanged();
                }
            }

            @Override
            public void onDelete(Node n) {
                NodeSession session = byNode.get(n.name());
                if (session != null) {
                    session.end(403, "node " + n.name() + " was removed from the cluster: join it again");
                }
                networkChanged();
            }
        });
        this.endpoints = new StoreInformer<>(store, Kind.ENDPOINTS);
        endpoints.addHandler(networkHandler());
        this.clusters = new StoreInformer<>(store, Kind.CLUSTER);
        clusters.addHandler(networkHandler());
        this.ingest = new StatusIngest(store, tasks, clock, config.statusBatchWindow(), config.statusBatchMax());
        this.worker = vertx.createSharedWorkerExecutor("berth-dispatcher-" + System.identityHashCode(this),
                WORKER_THREADS);
        tasks.addIndex(Indexes.TASKS_BY_NODE, Indexes::nodeOf);
        tasks.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Task t) {
                route(AssignmentDiff.diff(Optional.empty(), Optional.of(t)));
            }

            @Override
            public void onUpdate(Task oldT, Task newT) {
                route(AssignmentDiff.diff(Optional.of(oldT), Optional.of(newT)));
            }

            @Override
            public void onDelete(Task t) {
                route(AssignmentDiff.diff(Optional.of(t), Optional.empty()));
            }
        });
    }

    /** The etcd key whose presence says that node {@code nodeId} has a live session. */
    public static String sessionKey(String storePrefix, String nodeId) {
        return sessionPrefix(storePrefix) + nodeId;
    }

    /** The prefix of all session keys (ends with '/'). */
    public static String sessionPrefix(String storePrefix) {
        return storePrefix + "/berth/v1/sessions/";
    }

    /** Lists the tasks and starts the status writer; returns when sessions can be served. */
    public void start() {
        tasks.start();
        nodes.start();
        endpoints.start();
        clusters.start();
        ingest.start();
    }

    /**
     * Serves a new WebSocket as an agent session whose node says who it is in its Hello (the
     * local API's plain route: whoever reaches it administers the cluster anyway).
     */
    public void accept(ServerWebSocket ws) {
        accept(ws, Optional.empty());
    }

    /**
     * Serves a new WebSocket as an agent session. With {@code verifiedNodeId} (the CN of a client
     * certificate the cluster CA issued) the session is that node's only: a Hello naming another
     * node is refused, and so is a node whose Node object is gone (removed from the cluster), so
     * removing a node revokes its certificate.
     */
    public void accept(ServerWebSocket ws, Optional<String> verifiedNodeId) {
        if (shuttingDown) {
            ws.close((short) 1001, "manager shutting down");
            return;
        }
        NodeSession session = new NodeSession(this, ws, vertx.getOrCreateContext(), verifiedNodeId);
        all.add(session);
        session.start();
    }

    /** The number of nodes with an open session on this manager. */
    public int openSessions() {
        return byNode.size();
    }

    /** Whether {@code nodeId} has an open session on this manager. */
    public boolean hasSession(String nodeId) {
        return byNode.containsKey(nodeId);
    }

    /**
     * Ends every session without revoking its lease (the manager is going away: a new leader
     * should see the nodes' keys disappear only once the controllers here are stopped).
     */
    public void shutdown() {
        shuttingDown = true;
        for (NodeSession s : List.copyOf(all)) {
            s.end(503, "manager shutting down");
        }
    }

    /** Ends the sessions (if {@link #shutdown} did not), revokes their leases and stops; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        shutdown();
        // the sessions end on their event loops: give them a moment to hand back their leases
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!all.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Lease leases = store.client().getLeaseClient();
        for (long id : leasesToRevoke) {
            try {
                leases.revoke(id).get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.debug("revoking session lease {} failed: {}", id, e.toString());
            }
        }
        leasesToRevoke.clear();
        ingest.close();
        clusters.close();
        endpoints.close();
        nodes.close();
        tasks.close();
        worker.close();
    }

    // -- for the sessions -----------------------------------------------------------------------

    DispatcherConfig config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    EtcdStore store() {
        return store;
    }

    ApiOperations operations() {
        return operations;
    }

    WorkerExecutor worker() {
        return worker;
    }

    StatusIngest ingest() {
        return ingest;
    }

    /** The tasks of {@code nodeId}'s assignment set, from the informer's cache. */
    List<Task> assignedTo(String nodeId) {
        return tasks.byIndex(Indexes.TASKS_BY_NODE, nodeId).stream()
                .filter(t -> AssignmentDiff.assigned(t, nodeId)).toList();
    }

    /** The network map of {@code nodeId} as the informers see it now. */
    SessionMessage.NetworkMap networkMapOf(String nodeId) {
        return NetworkMaps.forNode(nodeId, NetworkMaps.networkOf(clusters.get(Cluster.DEFAULT_NAME)), nodes.list(),
                endpoints.list());
    }

    /** Makes {@code session} the one of its node here; ends the one it replaces. */
    void opened(String nodeId, NodeSession session) {
        NodeSession previous = byNode.put(nodeId, session);
        if (previous != null && previous != session) {
            previous.end(409, "replaced by a newer session of node " + nodeId);
        }
    }

    void ended(NodeSession session, String nodeId, long leaseId) {
        all.remove(session);
        if (nodeId != null) {
            byNode.remove(nodeId, session);
        }
        if (leaseId == 0) {
            return;
        }
        if (shuttingDown) {
            leasesToRevoke.add(leaseId);
            return;
        }
        store.client().getLeaseClient().revoke(leaseId).whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("revoking session lease {} of node {} failed: {}", leaseId, nodeId, e.toString());
            }
        });
    }

    ByteSequence keyOf(String nodeId) {
        return ByteSequence.from(sessionKey(store.prefix(), nodeId), StandardCharsets.UTF_8);
    }

    private <T extends ApiObject> EventHandler<T> networkHandler() {
        return new EventHandler<>() {
            @Override
            public void onAdd(T o) {
                networkChanged();
            }

            @Override
            public void onUpdate(T oldO, T newO) {
                networkChanged();
            }

            @Override
            public void onDelete(T o) {
                networkChanged();
            }
        };
    }

    /** Schedules one rebuild of the network maps; changes until it runs are folded into it. */
    private void networkChanged() {
        if (mapsScheduled.compareAndSet(false, true)) {
            vertx.setTimer(NETWORK_MAP_DELAY, id -> {
                mapsScheduled.set(false);
                for (Map.Entry<String, NodeSession> e : byNode.entrySet()) {
                    e.getValue().network(networkMapOf(e.getKey()));
                }
            });
        }
    }

    private void route(List<AssignmentDiff.Change> changes) {
        for (AssignmentDiff.Change change : changes) {
            NodeSession session = byNode.get(change.nodeId());
            if (session != null) {
                session.enqueue(change);
            }
        }
    }
}
