package dev.berth.controllers;

import dev.berth.api.Cluster;
import dev.berth.api.Endpoints;
import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.Service;
import dev.berth.api.Task;
import dev.berth.controllers.network.NetworkController;
import dev.berth.controllers.reaper.TaskReaper;
import dev.berth.controllers.rollout.RolloutController;
import dev.berth.controllers.scheduler.SchedulerController;
import dev.berth.controllers.service.ServiceController;
import dev.berth.api.Ids;
import dev.berth.scheduler.Planner;
import dev.berth.store.ObjectStore;
import dev.berth.store.informer.Informer;
import dev.berth.store.informer.StoreInformer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs the leader's controllers: the service controller, the scheduler, the task reaper, the
 * network controller and the rollout controller, over one set of informers (services; tasks indexed by service and by node;
 * nodes; clusters; endpoints).
 *
 * <p>The manager process calls {@link #start()} when it wins the etcd election and {@link #close()}
 * when it loses it; a new leadership term uses a new instance. The store is not closed.
 */
public final class ControllerManager implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ControllerManager.class);
    private static final int SERVICE_WORKERS = 2;

    private final ObjectStore store;
    private final Clock clock;
    private final List<Informer<?>> informers = new ArrayList<>();
    private final List<AutoCloseable> controllers = new ArrayList<>();
    private boolean started;
    private boolean closed;

    public ControllerManager(ObjectStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Creates and starts the informers, waits until each has its first listing, then starts the
     * controllers.
     *
     * @throws IllegalStateException when called twice or after {@link #close()}
     * @throws dev.berth.store.StoreException when the informers cannot list (everything started
     *     is stopped again)
     */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "controller manager is closed" : "already started");
        }
        started = true;
        try {
            Informer<Service> services = new StoreInformer<>(store, Kind.SERVICE);
            Informer<Task> tasks = new StoreInformer<>(store, Kind.TASK);
            Informer<Node> nodes = new StoreInformer<>(store, Kind.NODE);
            Informer<Cluster> clusters = new StoreInformer<>(store, Kind.CLUSTER);
            Informer<Endpoints> endpoints = new StoreInformer<>(store, Kind.ENDPOINTS);
            informers.addAll(List.of(services, tasks, nodes, clusters, endpoints));
            tasks.addIndex(Indexes.TASKS_BY_SERVICE, Indexes::serviceOf);
            tasks.addIndex(Indexes.TASKS_BY_NODE, Indexes::nodeOf);

            // handlers must be registered before the informers start
            ServiceController serviceController = new ServiceController(store, services, tasks, nodes, clock,
                    Ids::random, SERVICE_WORKERS);
            SchedulerController scheduler = new SchedulerController(store, tasks, nodes, new Planner(), clock);
            TaskReaper reaper = new TaskReaper(store, services, tasks, clusters, clock);
            NetworkController network = new NetworkController(store, services, tasks, nodes, clusters, endpoints,
                    clock, Ids::random);
            RolloutController rollouts = new RolloutController(store, services, tasks, nodes, clock, 1);

            for (Informer<?> informer : informers) {
                informer.start();
            }
            serviceController.start();
            controllers.add(serviceController);
            scheduler.start();
            controllers.add(scheduler);
            reaper.start();
            controllers.add(reaper);
            network.start();
            controllers.add(network);
            rollouts.start();
            controllers.add(rollouts);
            LOG.info("controllers started (services, scheduler, reaper, network, rollouts)");
        } catch (RuntimeException e) {
            stopAll();
            closed = true;
            throw e;
        }
    }

    /** Stops the controllers, then the informers; idempotent, and leaves no thread running. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stopAll();
        LOG.info("controllers stopped");
    }

    private void stopAll() {
        // controllers first, so that no reconcile reads an informer that is shutting down
        for (AutoCloseable c : reversed(controllers)) {
            closeQuietly(c);
        }
        controllers.clear();
        for (Informer<?> informer : informers) {
            closeQuietly(informer);
        }
        informers.clear();
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("stopping {} failed: {}", c, e.toString(), e);
        }
    }
}
