package dev.berth.controllers.network;

import dev.berth.api.Cidr;
import dev.berth.api.Cluster;
import dev.berth.api.Endpoints;
import dev.berth.api.NetworkSpec;
import dev.berth.api.Node;
import dev.berth.api.Service;
import dev.berth.api.Task;
import dev.berth.controllers.Indexes;
import dev.berth.controllers.runtime.Controller;
import dev.berth.controllers.runtime.Result;
import dev.berth.controllers.runtime.Txns;
import dev.berth.store.ObjectStore;
import dev.berth.store.StoreException;
import dev.berth.store.TxnResult;
import dev.berth.store.WriteOp;
import dev.berth.store.informer.EventHandler;
import dev.berth.store.informer.Informer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The network controller: gives nodes their container subnets and keeps one {@link Endpoints}
 * object per service, applying the decisions of {@link NetworkAllocator} and
 * {@link EndpointsPlanner} to the store.
 *
 * <p>Its keys are {@link Key#NODES} (one pass over every node, so that a burst of joins is
 * allocated in one go) and one key per service. It runs on <em>one</em> worker: allocation reads
 * what is taken and then writes, and two workers could hand the same subnet or virtual IP to two
 * owners. Its own writes reach the informers' caches a little later; until they do, they are
 * kept here and count as taken (like the scheduler's in-flight assignments).
 *
 * <p>Latency matters for the Endpoints: agents derive DNS answers and kernel load-balancing rules
 * from them, so a task that starts or stops running is reconciled as soon as the task informer
 * reports it. Handlers filter events by what can change an Endpoints (task heartbeats of the
 * node informer, service status updates) so that the single worker is not kept busy by noise.
 */
public final class NetworkController implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(NetworkController.class);

    /**
     * A work-queue key: the node subnets, or one service's Endpoints.
     *
     * @param service the service's name; empty for {@link #NODES}
     */
    record Key(String service) {

        /** The key of the pass that gives subnets to nodes. */
        static final Key NODES = new Key("");

        public Key {
            Objects.requireNonNull(service, "service");
        }

        static Key service(String name) {
            return new Key(name);
        }

        boolean isNodes() {
            return service.isEmpty();
        }
    }

    /** The cluster's network settings, parsed. */
    private record Network(Cidr containerCidr, int nodeSubnetPrefix, Cidr serviceCidr) {
    }

    /** A write of ours the informer had not shown yet: {@code object} is empty for a delete. */
    private record Written<T>(Optional<T> object, long revision) {
    }

    private final ObjectStore store;
    private final Informer<Service> services;
    private final Informer<Task> tasks;
    private final Informer<Node> nodes;
    private final Informer<Cluster> clusters;
    private final Informer<Endpoints> endpoints;
    private final Clock clock;
    private final Supplier<String> ids;
    private final Controller<Key> controller;

    // touched by the single worker only
    private final Map<String, Written<String>> writtenSubnets = new HashMap<>();
    private final Map<String, Written<Endpoints>> writtenEndpoints = new HashMap<>();
    private Set<String> nodesWarnedAbout = Set.of();
    private String badNetworkWarned = "";
    // services written without a virtual IP because the range was full; read by handlers
    private final Set<String> waitingForVip = ConcurrentHashMap.newKeySet();
    // nodes left without a subnet because the range was full; read by handlers
    private volatile boolean nodesWaiting;

    /**
     * Builds the controller and registers its handlers on the informers, which must not be started
     * yet; the task informer needs the {@link Indexes#TASKS_BY_SERVICE} index.
     *
     * @param ids uids of the Endpoints objects it creates
     */
    public NetworkController(ObjectStore store, Informer<Service> services, Informer<Task> tasks,
            Informer<Node> nodes, Informer<Cluster> clusters, Informer<Endpoints> endpoints, Clock clock,
            Supplier<String> ids) {
        this.store = store;
        this.services = services;
        this.tasks = tasks;
        this.nodes = nodes;
        this.clusters = clusters;
        this.endpoints = endpoints;
        this.clock = clock;
        this.ids = ids;
        // one worker: see the class comment
        this.controller = new Controller<>("network", List.of(services, tasks, nodes, clusters, endpoints),
                this::reconcile, 1, clock);
        registerHandlers();
    }

    private void registerHandlers() {
        services.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Service s) {
                enqueueService(s.name());
            }

            @Override
            public void onUpdate(Service oldS, Service newS) {
                // the service controller rewrites the status often; only these fields show in Endpoints
                if (oldS.spec().endpointMode() != newS.spec().endpointMode()
                        || !oldS.spec().ports().equals(newS.spec().ports())
                        || !oldS.metadata().uid().equals(newS.metadata().uid())) {
                    enqueueService(newS.name());
                }
            }

            @Override
            public void onDelete(Service s) {
                enqueueService(s.name());
            }
        });
        tasks.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Task t) {
                if (EndpointsPlanner.serves(t)) {
                    enqueueServiceOf(t);
                }
            }

            @Override
            public void onUpdate(Task oldT, Task newT) {
                boolean was = EndpointsPlanner.serves(oldT);
                boolean is = EndpointsPlanner.serves(newT);
                if (was != is || (is && (!oldT.status().address().equals(newT.status().address())
                        || !oldT.spec().nodeId().equals(newT.spec().nodeId())
                        || EndpointsPlanner.ready(oldT) != EndpointsPlanner.ready(newT)))) {
                    enqueueServiceOf(newT);
                }
            }

            @Override
            public void onDelete(Task t) {
                if (EndpointsPlanner.serves(t)) {
                    enqueueServiceOf(t);
                }
            }
        });
        nodes.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Node n) {
                if (n.spec().subnet().isEmpty()) {
                    controller.enqueue(Key.NODES);
                }
            }

            @Override
            public void onUpdate(Node oldN, Node newN) {
                if (newN.spec().subnet().isEmpty()) {
                    controller.enqueue(Key.NODES);
                }
            }

            @Override
            public void onDelete(Node n) {
                // its subnet is free now: a node waiting for one may take it
                if (nodesWaiting) {
                    controller.enqueue(Key.NODES);
                }
            }
        });
        endpoints.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Endpoints e) {
                // our own writes come back here (a cheap no-op); others' are corrected
                enqueueService(e.name());
            }

            @Override
            public void onUpdate(Endpoints oldE, Endpoints newE) {
                enqueueService(newE.name());
            }

            @Override
            public void onDelete(Endpoints e) {
                enqueueService(e.name());
                // its virtual IP is free now
                for (String waiting : waitingForVip) {
                    enqueueService(waiting);
                }
            }
        });
        clusters.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Cluster c) {
                enqueueAll();
            }

            @Override
            public void onUpdate(Cluster oldC, Cluster newC) {
                if (!oldC.spec().network().equals(newC.spec().network())) {
                    enqueueAll();
                }
            }

            @Override
            public void onDelete(Cluster c) {
                enqueueAll();
            }
        });
    }

    private void enqueueService(String name) {
        if (!name.isEmpty()) {
            controller.enqueue(Key.service(name));
        }
    }

    private void enqueueServiceOf(Task t) {
        enqueueService(t.spec().serviceName());
    }

    /** Puts every node and every service (and every Endpoints, for those of deleted services) on the queue. */
    public void enqueueAll() {
        controller.enqueue(Key.NODES);
        for (Service s : services.list()) {
            enqueueService(s.name());
        }
        for (Endpoints e : endpoints.list()) {
            enqueueService(e.name());
        }
    }

    /** Starts the worker; call once the informers are synced. Reconciles everything once. */
    public void start() {
        controller.start();
        enqueueAll();
    }

    Result reconcile(Key key) {
        Optional<Network> network = network();
        if (network.isEmpty()) {
            // a cluster update (the only way to fix it) enqueues everything again
            return Result.done();
        }
        return key.isNodes() ? allocateSubnets(network.get()) : reconcileEndpoints(key.service(), network.get());
    }

    private Optional<Network> network() {
        NetworkSpec spec = clusters.get(Cluster.DEFAULT_NAME).map(c -> c.spec().network()).orElse(NetworkSpec.DEFAULT);
        try {
            Cidr containers = Cidr.parse(spec.containerCidr());
            Cidr services = Cidr.parse(spec.serviceCidr());
            int prefix = spec.nodeSubnetPrefix();
            if (prefix < containers.prefix() || prefix > 32) {
                throw new IllegalArgumentException("nodeSubnetPrefix " + prefix + " does not fit in containerCidr "
                        + containers);
            }
            return Optional.of(new Network(containers, prefix, services));
        } catch (IllegalArgumentException e) {
            // validation refuses this; warn once rather than on every event
            String message = e.getMessage();
            if (!message.equals(badNetworkWarned)) {
                badNetworkWarned = message;
                LOG.error("the cluster's spec.network is invalid, no subnets or virtual IPs are allocated: {}",
                        message);
            }
            return Optional.empty();
        }
    }

    // -- node subnets -------------------------------------------------------------------------

    private Result allocateSubnets(Network network) {
        // the revision first: a write it covers is then certainly in the listing read after it
        long seen = nodes.revision();
        List<Node> cached = nodes.list();
        Set<String> present = new HashSet<>();
        cached.forEach(n -> present.add(n.id()));
        writtenSubnets.entrySet().removeIf(e -> seen >= e.getValue().revision() || !present.contains(e.getKey()));

        List<String> taken = new ArrayList<>();
        List<Node> waiting = new ArrayList<>();
        for (Node n : cached) {
            String subnet = n.spec().subnet();
            if (subnet.isEmpty()) {
                Written<String> written = writtenSubnets.get(n.id());
                subnet = written == null ? "" : written.object().orElse("");
            }
            if (subnet.isEmpty()) {
                waiting.add(n);
            } else {
                taken.add(subnet);
            }
        }
        // the first node to join gets the first subnet
        waiting.sort(Comparator.comparing((Node n) -> n.metadata().creationTimestamp().orElse(Instant.MAX))
                .thenComparing(Node::id));

        List<Node> updates = new ArrayList<>();
        List<String> unserved = new ArrayList<>();
        for (Node n : waiting) {
            Optional<Cidr> next = NetworkAllocator.nextSubnet(network.containerCidr(), network.nodeSubnetPrefix(),
                    taken);
            if (next.isEmpty()) {
                unserved.add(n.id());
                continue;
            }
            taken.add(next.get().toString());
            updates.add(n.withSpec(n.spec().withSubnet(next.get().toString())));
        }
        // a burst of joins is written in few transactions, each a CAS on every node in it
        StoreException failure = null;
        for (List<Node> chunk : Txns.chunks(updates, store.maxTxnOps())) {
            TxnResult result;
            try {
                result = store.commit(chunk.stream().map(WriteOp::update).toList());
            } catch (StoreException.Conflict | StoreException.NotFound e) {
                // a heartbeat or an operator wrote one of them meanwhile (or removed it): the
                // retry reads the fresh nodes; these subnets stay free until then
                failure = e;
                continue;
            }
            for (Node n : chunk) {
                writtenSubnets.put(n.id(), new Written<>(Optional.of(n.spec().subnet()), result.revision()));
                LOG.info("node {} ({}) got the container subnet {}", n.id(), n.status().hostname(), n.spec().subnet());
            }
        }
        nodesWaiting = !unserved.isEmpty();
        Set<String> unservedSet = Set.copyOf(unserved);
        if (!unservedSet.isEmpty() && !unservedSet.equals(nodesWarnedAbout)) {
            LOG.warn("the container network {} has no free /{} subnet left for node(s) {}; they get one when a "
                    + "node is removed", network.containerCidr(), network.nodeSubnetPrefix(), unserved);
        }
        nodesWarnedAbout = unservedSet;
        return failure == null ? Result.done() : Result.error(failure);
    }

    // -- endpoints ------------------------------------------------------------------------------

    private Result reconcileEndpoints(String name, Network network) {
        Optional<Endpoints> current = currentEndpoints(name);
        Optional<Service> service = services.get(name);
        List<Task> serviceTasks = service.isPresent() ? tasks.byIndex(Indexes.TASKS_BY_SERVICE, name) : List.of();
        List<String> taken = service.isPresent()
                && EndpointsPlanner.needsNewVirtualIp(service.get(), current, network.serviceCidr())
                ? takenVirtualIps(name) : List.of();
        EndpointsPlanner.Plan plan = EndpointsPlanner.plan(name, service, serviceTasks, current,
                network.serviceCidr(), taken);
        if (plan.vipExhausted()) {
            if (waitingForVip.add(name)) {
                LOG.warn("service {}: the service network {} has no free virtual IP left; its Endpoints has none "
                        + "until a service is removed", name, network.serviceCidr());
            }
        } else {
            waitingForVip.remove(name);
        }
        if (service.isEmpty()) {
            waitingForVip.remove(name);
        }
        WriteOp op;
        switch (plan.change()) {
            case NONE:
                return Result.done();
            case CREATE:
                Endpoints created = plan.endpoints().orElseThrow();
                op = WriteOp.create(created.withMetadata(created.metadata().created(ids.get(), clock.instant())));
                break;
            case UPDATE:
                op = WriteOp.update(plan.endpoints().orElseThrow());
                break;
            case DELETE:
                op = WriteOp.delete(plan.endpoints().orElseThrow());
                break;
            default:
                throw new IllegalStateException("unknown change " + plan.change());
        }
        TxnResult result;
        try {
            result = store.commit(List.of(op));
        } catch (StoreException.Conflict | StoreException.AlreadyExists | StoreException.NotFound e) {
            // our cache was behind: the informer catches up and the retry decides again
            return Result.error(e);
        }
        Optional<Endpoints> stored = result.stored().stream().filter(Endpoints.class::isInstance)
                .map(Endpoints.class::cast).findFirst();
        writtenEndpoints.put(name, new Written<>(stored, result.revision()));
        if (LOG.isDebugEnabled()) {
            LOG.debug("service {}: endpoints {} ({} address(es), virtual IP {})", name,
                    plan.change().name().toLowerCase(java.util.Locale.ROOT),
                    stored.map(e -> e.addresses().size()).orElse(0),
                    stored.map(Endpoints::virtualIp).filter(v -> !v.isEmpty()).orElse("none"));
        }
        return Result.done();
    }

    /** The Endpoints of {@code name} as we last wrote it, or as the cache shows it once it caught up. */
    private Optional<Endpoints> currentEndpoints(String name) {
        Written<Endpoints> written = writtenEndpoints.get(name);
        if (written != null) {
            if (endpoints.revision() < written.revision()) {
                return written.object();
            }
            writtenEndpoints.remove(name);
        }
        return endpoints.get(name);
    }

    /** The virtual IPs of every service but {@code except}, our writes not yet cached included. */
    private List<String> takenVirtualIps(String except) {
        long seen = endpoints.revision();
        writtenEndpoints.values().removeIf(w -> seen >= w.revision());
        Map<String, String> vips = new HashMap<>();
        for (Endpoints e : endpoints.list()) {
            vips.put(e.name(), e.virtualIp());
        }
        for (Map.Entry<String, Written<Endpoints>> w : writtenEndpoints.entrySet()) {
            Optional<Endpoints> object = w.getValue().object();
            if (object.isPresent()) {
                vips.put(w.getKey(), object.get().virtualIp());
            } else {
                vips.remove(w.getKey());
            }
        }
        vips.remove(except);
        return vips.values().stream().filter(v -> !v.isEmpty()).toList();
    }

    /** Stops the worker (the informers are the caller's). Idempotent. */
    public void stop() {
        controller.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
