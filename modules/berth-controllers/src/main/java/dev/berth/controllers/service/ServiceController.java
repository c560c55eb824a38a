package dev.berth.controllers.service;

import dev.berth.api.Node;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.controllers.Indexes;
import dev.berth.controllers.runtime.Controller;
import dev.berth.controllers.runtime.Result;
import dev.berth.controllers.runtime.Txns;
import dev.berth.store.ObjectStore;
import dev.berth.store.StoreException;
import dev.berth.store.WriteOp;
import dev.berth.store.informer.EventHandler;
import dev.berth.store.informer.Informer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The service controller: keyed by service name, it runs {@link ServiceReconciler} on the
 * informers' caches and applies its actions to the store (creates, and CAS updates).
 *
 * <p>Task creations are not protected by CAS (each new task has a fresh id), so after creating
 * tasks for a service the controller waits until the task informer has seen every one of them
 * before reconciling that service again (client-go's "expectations"); otherwise a lagging cache
 * would make it create the same slots twice.
 *
 * <p>Restart delays need no timer of their own: when {@link ServiceReconciler#decide} reports a
 * restart due later, the service is put back on the work queue for that time
 * ({@link Result#requeueAfter}); the due time itself is stored on the stopped task, so a new
 * leader picks it up where the old one left it.
 */
public final class ServiceController implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ServiceController.class);
    private static final Duration CATCH_UP_POLL = Duration.ofMillis(10);
    // if a created task never shows up (deleted before the watch saw it), stop waiting after this
    private static final Duration EXPECTATION_TIMEOUT = Duration.ofSeconds(30);

    private final ObjectStore store;
    private final Informer<Service> services;
    private final Informer<Task> tasks;
    private final Informer<Node> nodes;
    private final Clock clock;
    private final Supplier<String> ids;
    private final Controller<String> controller;
    // service name -> tasks it created that the task informer has not shown yet
    private final Map<String, Expectation> expectations = new ConcurrentHashMap<>();

    private record Expectation(Set<String> taskIds, Instant deadline) {
    }

    /**
     * Builds the controller and registers its handlers on the informers, which must not be started
     * yet; the task informer needs the {@link Indexes#TASKS_BY_SERVICE} and
     * {@link Indexes#TASKS_BY_NODE} indexes.
     */
    public ServiceController(ObjectStore store, Informer<Service> services, Informer<Task> tasks,
            Informer<Node> nodes, Clock clock, Supplier<String> ids, int workers) {
        this.store = store;
        this.services = services;
        this.tasks = tasks;
        this.nodes = nodes;
        this.clock = clock;
        this.ids = ids;
        this.controller = new Controller<>("services", List.of(services, tasks, nodes), this::reconcile,
                workers, clock);
        services.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Service s) {
                controller.enqueue(s.name());
            }

            @Override
            public void onUpdate(Service oldS, Service newS) {
                controller.enqueue(newS.name());
            }

            @Override
            public void onDelete(Service s) {
                controller.enqueue(s.name());
            }
        });
        tasks.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Task t) {
                // seen once is enough: the task may be gone again by the next reconcile
                Expectation expected = expectations.get(t.spec().serviceName());
                if (expected != null) {
                    expected.taskIds().remove(t.id());
                }
                enqueueServiceOf(t);
            }

            @Override
            public void onUpdate(Task oldT, Task newT) {
                if (matters(oldT, newT)) {
                    enqueueServiceOf(newT);
                }
            }

            @Override
            public void onDelete(Task t) {
                enqueueServiceOf(t);
            }
        });
        nodes.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Node n) {
                enqueueForNode(n);
            }

            @Override
            public void onUpdate(Node oldN, Node newN) {
                // heartbeats change only lastHeartbeat: no service cares
                if (!oldN.spec().equals(newN.spec()) || oldN.status().state() != newN.status().state()
                        || !oldN.metadata().labels().equals(newN.metadata().labels())
                        || !oldN.status().hostname().equals(newN.status().hostname())) {
                    enqueueForNode(newN);
                }
            }

            @Override
            public void onDelete(Node n) {
                enqueueForNode(n);
            }
        });
    }

    /**
     * Whether a task update can change the service's decision or status. Most updates are the
     * scheduler's assignments; reconciling a large service for each of them would only burn CPU.
     */
    private boolean matters(Task oldT, Task newT) {
        if (oldT.isLive() != newT.isLive() || oldT.spec().desiredState() != newT.spec().desiredState()
                || (oldT.status().state() == TaskState.RUNNING) != (newT.status().state() == TaskState.RUNNING)
                || oldT.spec().slot() != newT.spec().slot()
                // a running task that becomes healthy (or stops being) changes the running count
                || oldT.status().passesHealthCheck() != newT.status().passesHealthCheck()
                // the rollout controller asked for a start-first replacement
                || !oldT.metadata().annotations().equals(newT.metadata().annotations())) {
            return true;
        }
        // assigned to a node that went away meanwhile: the node's event may have come first
        String nodeId = newT.spec().nodeId();
        return !nodeId.equals(oldT.spec().nodeId()) && !nodeId.isEmpty()
                && nodes.get(nodeId).map(n -> ServiceReconciler.nodeUnusable(n).isPresent()).orElse(true);
    }

    private void enqueueServiceOf(Task t) {
        if (!t.spec().serviceName().isEmpty()) {
            controller.enqueue(t.spec().serviceName());
        }
    }

    private void enqueueForNode(Node n) {
        for (Task t : tasks.byIndex(Indexes.TASKS_BY_NODE, n.id())) {
            enqueueServiceOf(t);
        }
        for (Service s : services.list()) {
            if (s.spec().mode() == ServiceMode.GLOBAL) {
                controller.enqueue(s.name());
            }
        }
    }

    /** Starts the workers; call once the informers are synced. Enqueues every known service. */
    public void start() {
        controller.start();
        for (Service s : services.list()) {
            controller.enqueue(s.name());
        }
        // tasks of services deleted while no leader ran
        for (Task t : tasks.list()) {
            if (t.isLive() && services.get(t.spec().serviceName()).isEmpty()) {
                enqueueServiceOf(t);
            }
        }
    }

    /** Puts a service on the queue (e.g. for a resync). */
    public void enqueue(String serviceName) {
        controller.enqueue(serviceName);
    }

    Result reconcile(String name) {
        Expectation expected = expectations.get(name);
        if (expected != null) {
            expected.taskIds().removeIf(id -> tasks.get(id).isPresent());
            if (!expected.taskIds().isEmpty() && clock.instant().isBefore(expected.deadline())) {
                return Result.requeueAfter(CATCH_UP_POLL);
            }
            expectations.remove(name);
        }
        ServiceReconciler.Decision decision = ServiceReconciler.decide(name, services.get(name),
                tasks.byIndex(Indexes.TASKS_BY_SERVICE, name), nodes.list(), clock.instant(), ids);
        List<ServiceAction> actions = decision.actions();
        // a delayed restart: nothing may change until it is due, so the queue wakes us then
        Result after = Result.wakeAt(decision.wakeAt(), clock.instant());
        if (actions.isEmpty()) {
            return after;
        }
        List<WriteOp> ops = new ArrayList<>(actions.size());
        int creates = 0;
        int shutdowns = 0;
        for (ServiceAction action : actions) {
            if (action instanceof ServiceAction.CreateTask c) {
                ops.add(WriteOp.create(c.task()));
                creates++;
            } else if (action instanceof ServiceAction.ShutdownTask s) {
                ops.add(WriteOp.update(s.updated()));
                shutdowns++;
            } else if (action instanceof ServiceAction.UpdateServiceStatus u) {
                ops.add(WriteOp.update(u.updated()));
            }
        }
        try {
            for (List<WriteOp> chunk : Txns.chunks(ops, store.maxTxnOps())) {
                // expected before the commit: the informer may report the tasks before it returns
                List<String> created = new ArrayList<>();
                for (WriteOp op : chunk) {
                    if (op instanceof WriteOp.Create c) {
                        created.add(c.object().name());
                    }
                }
                Expectation awaiting = null;
                if (!created.isEmpty()) {
                    awaiting = expectations.computeIfAbsent(name, n -> new Expectation(
                            ConcurrentHashMap.newKeySet(), clock.instant().plus(EXPECTATION_TIMEOUT)));
                    awaiting.taskIds().addAll(created);
                }
                try {
                    store.commit(chunk);
                } catch (StoreException.Conflict | StoreException.AlreadyExists e) {
                    // certainly not written; after any other failure the tasks may exist, so
                    // they stay expected (until the timeout)
                    if (awaiting != null) {
                        awaiting.taskIds().removeAll(created);
                    }
                    throw e;
                }
            }
        } catch (StoreException.Conflict | StoreException.AlreadyExists e) {
            // our cache was behind; the informer catches up and the retry decides again
            return Result.error(e);
        }
        if (creates > 0 || shutdowns > 0) {
            LOG.debug("service {}: created {} task(s), shut down {}", name, creates, shutdowns);
        }
        return after;
    }

    /** Stops the workers (the informers are the caller's). Idempotent. */
    public void stop() {
        controller.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
