package dev.berth.controllers.reaper;

import dev.berth.api.Cluster;
import dev.berth.api.ClusterSpec;
import dev.berth.api.Service;
import dev.berth.api.Task;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The task reaper controller: keyed by service name, it deletes what {@link ReaperDecider} says,
 * each delete a CAS on the task's resourceVersion (a task that changed meanwhile is looked at
 * again). The history limit is {@code taskHistoryLimit} of the Cluster named "default", or 5.
 */
public final class TaskReaper implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(TaskReaper.class);

    private final ObjectStore store;
    private final Informer<Service> services;
    private final Informer<Task> tasks;
    private final Informer<Cluster> clusters;
    private final Controller<String> controller;

    /** Builds the reaper and registers its handlers on the (not yet started) informers. */
    public TaskReaper(ObjectStore store, Informer<Service> services, Informer<Task> tasks,
            Informer<Cluster> clusters, Clock clock) {
        this.store = store;
        this.services = services;
        this.tasks = tasks;
        this.clusters = clusters;
        this.controller = new Controller<>("reaper", List.of(services, tasks, clusters), this::reconcile, 1,
                clock);
        tasks.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Task t) {
                // new tasks are live and do not count against the history limit; a deletable
                // one shows up only when the informer relists
                if (ReaperDecider.isDeletable(t)) {
                    enqueue(t);
                }
            }

            @Override
            public void onUpdate(Task oldT, Task newT) {
                // a stopped task marked SHUTDOWN by the restart policy joins its slot's history
                if (ReaperDecider.isDeletable(newT) && (!ReaperDecider.isDeletable(oldT)
                        || oldT.spec().desiredState() != newT.spec().desiredState())) {
                    enqueue(newT);
                }
            }

            @Override
            public void onDelete(Task t) {
            }
        });
        services.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Service s) {
            }

            @Override
            public void onUpdate(Service oldS, Service newS) {
                if (!oldS.spec().equals(newS.spec())) {
                    controller.enqueue(newS.name());
                }
            }

            @Override
            public void onDelete(Service s) {
                controller.enqueue(s.name());
            }
        });
        clusters.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Cluster c) {
                enqueueAll();
            }

            @Override
            public void onUpdate(Cluster oldC, Cluster newC) {
                enqueueAll();
            }

            @Override
            public void onDelete(Cluster c) {
                enqueueAll();
            }
        });
    }

    private void enqueue(Task t) {
        if (!t.spec().serviceName().isEmpty()) {
            controller.enqueue(t.spec().serviceName());
        }
    }

    private void enqueueAll() {
        Set<String> names = new LinkedHashSet<>();
        for (Task t : tasks.list()) {
            if (!t.spec().serviceName().isEmpty()) {
                names.add(t.spec().serviceName());
            }
        }
        names.forEach(controller::enqueue);
    }

    /** Starts the worker and looks at every service that has tasks. */
    public void start() {
        controller.start();
        enqueueAll();
    }

    /** The retention limit in force. */
    int historyLimit() {
        return clusters.get(Cluster.DEFAULT_NAME).map(c -> c.spec().taskHistoryLimit())
                .orElse(ClusterSpec.DEFAULT.taskHistoryLimit());
    }

    Result reconcile(String serviceName) {
        List<Task> doomed = ReaperDecider.toDelete(serviceName, services.get(serviceName),
                tasks.byIndex(Indexes.TASKS_BY_SERVICE, serviceName), historyLimit());
        if (doomed.isEmpty()) {
            return Result.done();
        }
        List<WriteOp> ops = doomed.stream().map(WriteOp::delete).toList();
        try {
            Txns.commitAll(store, ops);
        } catch (StoreException.Conflict | StoreException.NotFound e) {
            return Result.error(e);
        }
        LOG.debug("reaper: deleted {} task(s) of service {}", doomed.size(), serviceName);
        return Result.done();
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
