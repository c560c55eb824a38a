package dev.berth.manager;

import com.sun.management.OperatingSystemMXBean;
import dev.berth.api.Ids;
import dev.berth.api.ByteSize;
import dev.berth.api.Cluster;
import dev.berth.api.ClusterSpec;
import dev.berth.api.ClusterStatus;
import dev.berth.api.Kind;
import dev.berth.api.NetworkSpec;
import dev.berth.api.NodeRole;
import dev.berth.api.ObjectMeta;
import dev.berth.api.validation.Validation;
import dev.berth.manager.api.ApiOperations;
import dev.berth.manager.api.ApiServer;
import dev.berth.manager.api.ClusterInfo;
import dev.berth.manager.api.NodeRegistration;
import dev.berth.manager.api.ObjectWrites;
import dev.berth.manager.cluster.ClusterServer;
import dev.berth.manager.pki.ClusterPki;
import dev.berth.manager.pki.JoinService;
import dev.berth.manager.pki.PkiStore;
import dev.berth.manager.dispatcher.Dispatcher;
import dev.berth.manager.dispatcher.DispatcherConfig;
import dev.berth.manager.dispatcher.LivenessRules;
import dev.berth.manager.dispatcher.NodeLiveness;
import dev.berth.store.StoreException;
import dev.berth.store.election.EtcdLeaderElection;
import dev.berth.store.election.LeadershipListener;
import dev.berth.store.etcd.EtcdLaunchConfig;
import dev.berth.store.etcd.EtcdLauncher;
import dev.berth.store.etcd.EtcdStore;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One manager process: embedded (or external) etcd, the object store, this manager's own Node,
 * the leader election whose winner runs the controllers (and node liveness), the HTTP API and
 * the dispatcher serving agent sessions on the API's port and, with node certificates, on the
 * cluster port (TLS), where other servers also join. The cluster CA and the join secrets are
 * created on the cluster's first start and loaded from etcd on every other.
 *
 * <pre>{@code
 * try (Manager manager = new Manager(ManagerConfig.defaults()).start()) {
 *     manager.apiPort();   // the API is up
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops everything in reverse order; a leader resigns, so another manager
 * takes over at once.
 */
public final class Manager implements AutoCloseable {

    /** Annotation of the {@code default} Cluster object holding the cluster's id. */
    public static final String CLUSTER_ID_ANNOTATION = ObjectWrites.CLUSTER_ID_ANNOTATION;

    private static final Logger LOG = LogManager.getLogger(Manager.class);

    private final ManagerConfig config;
    private final Clock clock;
    private final Object lock = new Object();
    // Serializes starting and stopping the controllers, off the election's thread.
    private final ScheduledThreadPoolExecutor leadership = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "berth-leadership");
        t.setDaemon(true);
        return t;
    });
    // read by the API's worker threads
    private volatile String nodeId;
    private volatile String clusterId = "";
    /** The dispatcher's settings with the Cluster object's timings, read when this manager starts. */
    private volatile DispatcherConfig dispatcherConfig;
    private EtcdLauncher etcd;
    private EtcdStore store;
    private volatile EtcdLeaderElection election;
    private Vertx vertx;
    private ApiServer api;
    private Dispatcher dispatcher;
    private ClusterServer clusterServer;
    private volatile ClusterPki pki;
    private volatile int apiPort;
    private volatile int clusterPort;
    private final LeaderWork leaderWork;
    private AutoCloseable controllers;
    private boolean started;
    private boolean closed;

    public Manager(ManagerConfig config) {
        this(config, Clock.systemUTC());
    }

    public Manager(ManagerConfig config, Clock clock) {
        this(config, clock, LeaderWork.controllers());
    }

    /** A manager whose leader runs {@code leaderWork} instead of the controllers. */
    public Manager(ManagerConfig config, Clock clock, LeaderWork leaderWork) {
        this.config = config;
        this.clock = clock;
        this.leaderWork = leaderWork;
        leadership.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Starts every part and returns when the API answers. On failure everything started so far
     * is stopped again and the failure is thrown.
     *
     * @return this manager
     */
    public Manager start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("manager is closed");
            }
            if (started) {
                return this;
            }
            started = true;
        }
        try {
            nodeId = config.nodeId().orElseGet(() -> NodeIdFile.loadOrCreate(config.stateDir()));
            List<String> endpoints = config.etcdEndpoints();
            if (config.embeddedEtcd()) {
                EtcdLaunchConfig launch = new EtcdLaunchConfig(config.etcdBinary(),
                        config.stateDir().resolve("etcd"), nodeId, config.etcdClientPort(),
                        config.etcdPeerPort(), List.of(), null);
                etcd = new EtcdLauncher(launch);
                endpoints = List.of(etcd.start());
            }
            store = EtcdStore.connect(endpoints, config.etcdPrefix());
            clusterId = ensureCluster();
            // the heartbeat and failure timings live in the Cluster object (read at start)
            dispatcherConfig = config.dispatcher().withTimings(store.get(Kind.CLUSTER, Cluster.DEFAULT_NAME)
                    .map(Cluster::spec).orElse(ClusterSpec.DEFAULT));
            registerOwnNode();
            // The API binds before campaigning: a busy port fails the start before this manager
            // could lead (and start controllers only to stop them again).
            vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
            pki = ClusterPki.open(new PkiStore(store), clusterId, clock, this::managerAddresses);
            api = new ApiServer(vertx, store, clock, info(), config.maxBodyBytes());
            dispatcher = new Dispatcher(vertx, store, api.operations(), clock, dispatcherConfig);
            dispatcher.start();
            api.sessions(dispatcher::accept);
            api.joinTokens(pki);
            // the cluster port first: once the API answers, the join tokens name a bound port
            clusterServer = new ClusterServer(vertx, pki, new JoinService(pki, api.operations()), dispatcher);
            clusterPort = clusterServer.listen(config.clusterListenHost(), config.clusterListenPort(),
                    pki.serverCredentials(nodeId, serverNames()));
            LOG.info("manager {} serves joins and node sessions on {}:{} (CA {})", nodeId, config.clusterListenHost(),
                    clusterPort, pki.ca().fingerprint());
            apiPort = api.listen(config.listenHost(), config.listenPort());
            LOG.info("manager {} serves the API on {}:{}", nodeId, config.listenHost(), apiPort);
            election = EtcdLeaderElection.forControllers(store, nodeId, config.electionTtl());
            election.start(new LeadershipListener() {
                @Override
                public void onElected() {
                    leadership.execute(Manager.this::startControllers);
                }

                @Override
                public void onRevoked() {
                    leadership.execute(Manager.this::stopControllers);
                }
            });
            return this;
        } catch (RuntimeException e) {
            LOG.error("manager failed to start: {}", e.getMessage());
            close();
            throw e;
        }
    }

    /** The port the API listens on (the bound one when port 0 was asked). */
    public int apiPort() {
        return apiPort;
    }

    /** The port of the cluster listener (the bound one when port 0 was asked). */
    public int clusterPort() {
        return clusterPort;
    }

    /** The cluster's PKI: CA, join tokens, certificates (after {@link #start()}). */
    public ClusterPki pki() {
        ClusterPki p = pki;
        if (p == null) {
            throw new IllegalStateException("the manager has not started");
        }
        return p;
    }

    /** Where servers join this cluster: {@code <advertise address>:<cluster port>}. */
    public List<String> managerAddresses() {
        String host = config.effectiveAdvertiseAddress();
        return List.of((host.contains(":") ? "[" + host + "]" : host) + ":" + clusterPort);
    }

    /** The names the cluster port's certificate holds: whatever a server may reach it by. */
    private List<String> serverNames() {
        List<String> names = new ArrayList<>(List.of(config.effectiveAdvertiseAddress(), "127.0.0.1", "localhost",
                config.hostname()));
        String host = config.clusterListenHost();
        if (!ManagerConfig.isWildcard(host)) {
            names.add(host);
        }
        return names;
    }

    /** This manager's node id. */
    public String nodeId() {
        return nodeId;
    }

    /** The cluster's id. */
    public String clusterId() {
        return clusterId;
    }

    /** Whether this manager leads (runs the controllers) right now. */
    public boolean isLeader() {
        EtcdLeaderElection e = election;
        return e != null && e.isLeader();
    }

    /** The node id of the current leader, if any (asks etcd). */
    public Optional<String> leader() {
        EtcdLeaderElection e = election;
        return e == null ? Optional.empty() : e.leader();
    }

    /** The configuration this manager runs with. */
    public ManagerConfig config() {
        return config;
    }

    /** Stops the API, resigns leadership, stops the controllers, the store and etcd; idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (dispatcher != null) {
            // sessions end, their leases stay until the controllers here are stopped (below)
            quietly("agent sessions", dispatcher::shutdown);
        }
        if (clusterServer != null) {
            quietly("cluster port", clusterServer::close);
        }
        if (api != null) {
            quietly("API server", api::close);
        }
        if (election != null) {
            quietly("leader election", election::close);
        }
        leadership.shutdown();
        try {
            if (!leadership.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("controllers did not stop within 30s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopControllers();
        if (dispatcher != null) {
            quietly("dispatcher", dispatcher::close);
        }
        if (vertx != null) {
            quietly("Vert.x", () -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        }
        if (store != null) {
            quietly("store", store::close);
        }
        if (etcd != null) {
            quietly("embedded etcd", etcd::close);
        }
        LOG.info("manager {} stopped", nodeId);
    }

    private void startControllers() {
        synchronized (lock) {
            if (closed || controllers != null) {
                return;
            }
        }
        LOG.info("manager {} leads: starting the controllers", nodeId);
        AutoCloseable started;
        try {
            AutoCloseable work = leaderWork.start(store, clock);
            NodeLiveness liveness;
            try {
                liveness = new NodeLiveness(store, clock, dispatcherConfig).start();
            } catch (RuntimeException e) {
                quietly("controllers", work::close);
                throw e;
            }
            started = () -> {
                quietly("node liveness", liveness::close);
                work.close();
            };
        } catch (Exception e) {
            // e.g. etcd briefly unreachable: try again while this manager still leads
            LOG.error("manager {} leads but cannot start the controllers; retrying in 1s: {}", nodeId, e.toString());
            try {
                leadership.schedule(() -> {
                    if (isLeader()) {
                        startControllers();
                    }
                }, 1, TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // the manager is closing
            }
            return;
        }
        synchronized (lock) {
            controllers = started;
        }
        recordLeader(nodeId);
    }

    private void stopControllers() {
        AutoCloseable running;
        synchronized (lock) {
            running = controllers;
            controllers = null;
        }
        if (running != null) {
            LOG.info("manager {} no longer leads: stopping the controllers", nodeId);
            quietly("controllers", running::close);
        }
    }

    /** Writes the leader into the cluster's status, for {@code berth node ls}; best effort. */
    private void recordLeader(String leader) {
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                Optional<Cluster> cluster = store.get(Kind.CLUSTER, Cluster.DEFAULT_NAME);
                if (cluster.isEmpty() || cluster.get().status().leader().equals(leader)) {
                    return;
                }
                Cluster c = cluster.get();
                store.update(new Cluster(c.apiVersion(), c.kind(), c.metadata(), c.spec(), new ClusterStatus(leader)));
                return;
            } catch (StoreException.Conflict e) {
                // someone else wrote the cluster meanwhile: read it again
            } catch (RuntimeException e) {
                LOG.warn("cannot record {} as the leader in the cluster object: {}", leader, e.getMessage());
                return;
            }
        }
    }

    /** Creates the {@code default} Cluster object on the first start; returns the cluster's id. */
    private String ensureCluster() {
        for (int attempt = 0; ; attempt++) {
            Optional<Cluster> existing = store.get(Kind.CLUSTER, Cluster.DEFAULT_NAME);
            if (existing.isPresent()) {
                if (!existing.get().spec().network().equals(config.network())
                        && !config.network().equals(NetworkSpec.DEFAULT)) {
                    LOG.warn("the cluster exists with network {}: the network {} asked for is ignored (it cannot"
                            + " change once the cluster exists)", existing.get().spec().network(), config.network());
                }
                return existing.get().metadata().annotations().getOrDefault(CLUSTER_ID_ANNOTATION, "");
            }
            String id = Ids.random();
            ObjectMeta meta = new ObjectMeta(Cluster.DEFAULT_NAME, Map.of(), Map.of(CLUSTER_ID_ANNOTATION, id), "",
                    0, 0, Optional.empty());
            Cluster cluster = Validation.require(new Cluster(null, null, meta,
                    new ClusterSpec(null, null, config.network()), null));
            try {
                store.create((Cluster) ObjectWrites.forCreate(cluster, Ids.random(), clock.instant()));
                LOG.info("cluster {} initialized (containers {}, services {})", id,
                        config.network().containerCidr(), config.network().serviceCidr());
                return id;
            } catch (StoreException.AlreadyExists e) {
                if (attempt >= 3) {
                    throw e;
                }
                // another manager created it at the same moment: use theirs
            }
        }
    }

    /**
     * Registers (or refreshes) this manager's node, unless its own agent's session already owns
     * it: then only that session says whether it is alive.
     */
    private void registerOwnNode() {
        Optional<dev.berth.api.Node> stored = store.get(Kind.NODE, nodeId);
        String message = stored.map(n -> n.status().message()).orElse("");
        if (message.equals(LivenessRules.SESSION_OPEN) || message.equals(LivenessRules.SESSION_LOST)) {
            LOG.info("manager node {} ({}) in cluster {}: its agent reports it", nodeId, config.hostname(), clusterId);
            return;
        }
        new ApiOperations(store, clock).register(ownNode());
        LOG.info("manager node {} ({}) registered in cluster {}", nodeId, config.hostname(), clusterId);
    }

    private NodeRegistration ownNode() {
        long memory = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        return new NodeRegistration(nodeId, config.hostname(), config.effectiveAdvertiseAddress(), NodeRole.MANAGER,
                Runtime.getRuntime().availableProcessors(), new ByteSize(memory), "", Map.of());
    }

    private ClusterInfo info() {
        return new ClusterInfo() {
            @Override
            public String clusterId() {
                return clusterId;
            }

            @Override
            public String managerNodeId() {
                return nodeId;
            }

            @Override
            public Optional<String> leader() {
                return Manager.this.leader();
            }
        };
    }

    /** A step of closing that may fail without stopping the rest. */
    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(String what, Step step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("stopping the {} failed: {}", what, e.toString());
        }
    }
}
