package dev.berth.manager.dispatcher;

import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.NodeState;
import dev.berth.controllers.runtime.Controller;
import dev.berth.controllers.runtime.Result;
import dev.berth.store.StoreException;
import dev.berth.store.etcd.EtcdStore;
import dev.berth.store.informer.EventHandler;
import dev.berth.store.informer.StoreInformer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The leader's node liveness controller: watches the session keys the dispatchers hold under
 * leases ({@link Dispatcher#sessionKey}) and writes each node's state as {@link LivenessRules}
 * decides: {@code down} ("heartbeat lost") when its key disappears, {@code ready} when one
 * appears. The manager's own node is treated like any other: its own agent's session keeps it
 * alive.
 *
 * <p>Started when this manager is elected, closed when it loses leadership.
 */
public final class NodeLiveness implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(NodeLiveness.class);

    private final EtcdStore store;
    private final Clock clock;
    private final Duration grace;
    private final Duration lossDelay;
    private final StoreInformer<Node> nodes;
    private final Controller<String> controller;
    private final ScheduledExecutorService relists = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "berth-liveness-sessions");
        t.setDaemon(true);
        return t;
    });
    /** Nodes whose session key exists. */
    private final Set<String> open = ConcurrentHashMap.newKeySet();
    /** Nodes whose key was seen disappearing and has not come back. */
    private final Set<String> lost = ConcurrentHashMap.newKeySet();
    /** Since when a node without a key is known to have none (for the grace period). */
    private final Map<String, Instant> absentSince = new ConcurrentHashMap<>();
    private volatile Watch.Watcher watcher;
    private volatile boolean closed;

    /**
     * A liveness controller with the config's {@code livenessGrace} (the cluster's
     * {@code leaderChangeGrace}) and {@code lossDelay} (its {@code reconnectGrace}).
     */
    public NodeLiveness(EtcdStore store, Clock clock, DispatcherConfig config) {
        this(store, clock, config.livenessGrace(), config.lossDelay());
    }

    /**
     * @param grace how long a node kept alive by a session may lack its key when this leader did
     *     not see the key go (see {@link LivenessRules})
     * @param lossDelay how long after its key went a node is marked down
     */
    private NodeLiveness(EtcdStore store, Clock clock, Duration grace, Duration lossDelay) {
        this.store = store;
        this.clock = clock;
        this.grace = grace;
        this.lossDelay = lossDelay;
        this.nodes = new StoreInformer<>(store, Kind.NODE);
        this.controller = new Controller<>("liveness", List.of(nodes), this::reconcile, 1, clock);
        nodes.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Node n) {
                controller.enqueue(n.id());
            }

            @Override
            public void onUpdate(Node oldN, Node newN) {
                if (oldN.status().state() != newN.status().state()
                        || !oldN.status().message().equals(newN.status().message())) {
                    controller.enqueue(newN.id());
                }
            }

            @Override
            public void onDelete(Node n) {
                forget(n.id());
            }
        });
    }

    /** Lists the sessions and the nodes, starts watching both and reconciles every node. */
    public NodeLiveness start() {
        listAndWatch();
        nodes.start();
        controller.start();
        return this;
    }

    @Override
    public void close() {
        closed = true;
        Watch.Watcher w = watcher;
        if (w != null) {
            w.close();
        }
        relists.shutdownNow();
        controller.close();
        nodes.close();
    }

    /** Reads every session key, then watches for changes after that revision. */
    private void listAndWatch() {
        ByteSequence prefix = bytes(Dispatcher.sessionPrefix(store.prefix()));
        GetResponse listing;
        try {
            listing = store.client().getKVClient().get(prefix, GetOption.builder().isPrefix(true).withKeysOnly(true)
                    .build()).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted while listing node sessions", e);
        } catch (Exception e) {
            throw new StoreException.Unavailable("cannot list node sessions: " + e.getMessage(), e);
        }
        Instant now = clock.instant();
        Set<String> listed = ConcurrentHashMap.newKeySet();
        for (KeyValue kv : listing.getKvs()) {
            listed.add(nodeIdOf(kv.getKey()));
        }
        for (String id : Set.copyOf(open)) {
            if (!listed.contains(id)) {
                // vanished while the watch was down: not seen going, so it gets the grace period
                open.remove(id);
                absentSince.putIfAbsent(id, now);
                controller.enqueue(id);
            }
        }
        for (String id : listed) {
            if (open.add(id)) {
                lost.remove(id);
                absentSince.remove(id);
                controller.enqueue(id);
            }
        }
        long revision = listing.getHeader().getRevision();
        WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision + 1).build();
        watcher = store.client().getWatchClient().watch(prefix, option, Watch.listener(this::onWatch, e -> {
            if (!closed) {
                LOG.warn("watch of node sessions failed: {}; listing again", e.toString());
                scheduleRelist();
            }
        }));
    }

    private void scheduleRelist() {
        Watch.Watcher w = watcher;
        if (w != null) {
            w.close();
        }
        try {
            relists.schedule(() -> {
                try {
                    listAndWatch();
                } catch (RuntimeException e) {
                    LOG.warn("cannot list node sessions: {}", e.getMessage());
                    scheduleRelist();
                }
            }, 1, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void onWatch(WatchResponse response) {
        Instant now = clock.instant();
        for (WatchEvent event : response.getEvents()) {
            String id = nodeIdOf(event.getKeyValue().getKey());
            if (event.getEventType() == WatchEvent.EventType.PUT) {
                open.add(id);
                lost.remove(id);
                absentSince.remove(id);
            } else if (event.getEventType() == WatchEvent.EventType.DELETE) {
                open.remove(id);
                lost.add(id);
                absentSince.put(id, now);
            } else {
                continue;
            }
            controller.enqueue(id);
        }
    }

    private Result reconcile(String nodeId) {
        Node node = nodes.get(nodeId).orElse(null);
        if (node == null) {
            return Result.done();
        }
        Instant now = clock.instant();
        boolean isOpen = open.contains(nodeId);
        Instant since = isOpen ? now : absentSince.computeIfAbsent(nodeId, id -> now);
        LivenessRules.Verdict verdict = LivenessRules.decide(node, isOpen, lost.contains(nodeId), since, now, grace,
                lossDelay);
        try {
            if (verdict instanceof LivenessRules.MarkDown) {
                store.update(node.withStatus(node.status().withState(NodeState.DOWN, LivenessRules.SESSION_LOST)));
                LOG.info("node {} ({}) is down: heartbeat lost", nodeId, node.status().hostname());
            } else if (verdict instanceof LivenessRules.MarkReady) {
                store.update(node.withStatus(node.status().withState(NodeState.READY, LivenessRules.SESSION_OPEN)));
                LOG.info("node {} ({}) is ready again: its session is open", nodeId, node.status().hostname());
            } else if (verdict instanceof LivenessRules.RecheckAt r) {
                return Result.requeueAfter(Duration.between(now, r.at()).plusMillis(10));
            }
        } catch (StoreException.Conflict | StoreException.NotFound e) {
            // the informer brings the newer node; look again then
            return Result.requeueAfter(Duration.ofMillis(50));
        }
        return Result.done();
    }

    private void forget(String nodeId) {
        lost.remove(nodeId);
        absentSince.remove(nodeId);
    }

    private String nodeIdOf(ByteSequence key) {
        String k = key.toString(StandardCharsets.UTF_8);
        return k.substring(k.lastIndexOf('/') + 1);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
