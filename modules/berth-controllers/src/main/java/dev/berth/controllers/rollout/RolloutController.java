package dev.berth.controllers.rollout;

import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.NodeState;
import dev.berth.api.PortClaims;
import dev.berth.api.Service;
import dev.berth.api.ServiceRevision;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.UpdateStatus;
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
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The rollout controller: keyed by service name, it runs {@link RolloutPlanner} on the informers'
 * caches and writes its plan: task shutdowns and start-first marks (CAS each), the service's rollout
 * state, and, for an automatic rollback, the previous revision's spec with a new revision
 * ({@link Revisions#rollback}) in one transaction. When no earlier revision exists, the rollout
 * pauses instead. Monitor periods and delays need no timer: the service is put back on the work
 * queue for when they end.
 */
public final class RolloutController implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(RolloutController.class);
    private static final Duration MIN_WAKE = Duration.ofMillis(1);

    private final ObjectStore store;
    private final Informer<Service> services;
    private final Informer<Task> tasks;
    private final Informer<Node> nodes;
    private final Clock clock;
    private final Controller<String> controller;

    /**
     * Builds the controller and registers its handlers on the informers, which must not be started
     * yet; the task informer needs the {@link Indexes#TASKS_BY_SERVICE} index. Nodes are read only to
     * know which are down (their tasks are not waited for); a node going down re-queues nothing,
     * the service controller's shutdown of its tasks does.
     */
    public RolloutController(ObjectStore store, Informer<Service> services, Informer<Task> tasks,
            Informer<Node> nodes, Clock clock, int workers) {
        this.store = store;
        this.services = services;
        this.tasks = tasks;
        this.nodes = nodes;
        this.clock = clock;
        this.controller = new Controller<>("rollouts", List.of(services, tasks, nodes), this::reconcile, workers,
                clock);
        services.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Service s) {
                controller.enqueue(s.name());
            }

            @Override
            public void onUpdate(Service oldS, Service newS) {
                // the counts the service controller writes change no rollout decision, except the
                // number of places of a global service (its eligible nodes), which may end a step
                if (!oldS.spec().equals(newS.spec()) || oldS.status().revision() != newS.status().revision()
                        || oldS.status().replicas() != newS.status().replicas()
                        || !oldS.status().update().equals(newS.status().update())) {
                    controller.enqueue(newS.name());
                }
            }

            @Override
            public void onDelete(Service s) {
                // nothing to roll out any more; the service controller shuts its tasks down
            }
        });
        tasks.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Task t) {
                enqueueServiceOf(t);
            }

            @Override
            public void onUpdate(Task oldT, Task newT) {
                if (oldT.isLive() != newT.isLive() || oldT.status().state() != newT.status().state()
                        || !oldT.status().health().equals(newT.status().health())
                        || oldT.spec().desiredState() != newT.spec().desiredState()
                        || !oldT.metadata().annotations().equals(newT.metadata().annotations())) {
                    enqueueServiceOf(newT);
                }
            }

            @Override
            public void onDelete(Task t) {
                enqueueServiceOf(t);
            }
        });
    }

    private void enqueueServiceOf(Task t) {
        if (!t.spec().serviceName().isEmpty()) {
            controller.enqueue(t.spec().serviceName());
        }
    }

    /** Starts the workers; call once the informers are synced. Enqueues every known service. */
    public void start() {
        controller.start();
        for (Service s : services.list()) {
            controller.enqueue(s.name());
        }
    }

    Result reconcile(String name) {
        Optional<Service> found = services.get(name);
        if (found.isEmpty()) {
            return Result.done();
        }
        Service service = found.get();
        Instant now = clock.instant();
        java.util.Set<String> downNodes = new java.util.HashSet<>();
        List<Task> serviceTasks = tasks.byIndex(Indexes.TASKS_BY_SERVICE, name);
        for (Task t : serviceTasks) {
            String nodeId = t.spec().nodeId();
            if (!nodeId.isEmpty() && nodes.get(nodeId).map(n -> n.status().state() != NodeState.READY).orElse(true)) {
                downNodes.add(nodeId);
            }
        }
        RolloutPlanner.Plan plan = RolloutPlanner.plan(service, serviceTasks, downNodes, now);
        Result after = plan.wakeAt()
                .map(at -> Result.requeueAfter(max(Duration.between(clock.instant(), at), MIN_WAKE)))
                .orElse(Result.done());
        if (plan.isEmpty()) {
            return after;
        }
        try {
            // the service first: a rollout's start (its startedAt, from which failures count) is
            // stored before any task is replaced for it, and a rollback before anything else
            List<WriteOp> serviceOps = serviceWrites(service, plan, now);
            if (!serviceOps.isEmpty()) {
                if (plan.rollback().isEmpty()) {
                    writeRolloutState(service, ((WriteOp.Update) serviceOps.get(0)).object());
                } else {
                    store.commit(serviceOps);
                    // the rollback changed the template: the next decision replaces tasks for it
                    return Result.done();
                }
            }
            List<WriteOp> taskOps = new ArrayList<>();
            for (Task task : plan.tasks()) {
                taskOps.add(WriteOp.update(task));
            }
            Txns.commitAll(store, taskOps);
        } catch (StoreException.Conflict | StoreException.AlreadyExists | StoreException.NotFound e) {
            // our cache was behind; the informer catches up and the retry decides again
            return Result.error(e);
        }
        long shutdowns = plan.tasks().stream().filter(t -> t.spec().desiredState() == TaskState.SHUTDOWN).count();
        if (!plan.tasks().isEmpty()) {
            LOG.debug("service {}: rollout to revision {}: {} task(s) shut down, {} marked for start-first",
                    name, service.status().revision(), shutdowns, plan.tasks().size() - shutdowns);
        }
        return after;
    }

    /**
     * Writes {@code wanted}'s rollout state. The service controller writes the same object's counts
     * often during a rollout; rather than lose a CAS race to each of them and back off, a conflict
     * re-reads the service and puts the state on the stored one, as long as it is still the same
     * revision and spec the decision was made for (else the conflict stands and the next decision
     * starts over).
     */
    private void writeRolloutState(Service decidedOn, dev.berth.api.ApiObject wanted) {
        Service target = (Service) wanted;
        for (int attempt = 1; ; attempt++) {
            try {
                store.update(target);
                return;
            } catch (StoreException.Conflict e) {
                Optional<Service> stored = store.get(Kind.SERVICE, decidedOn.name());
                if (attempt >= 5 || stored.isEmpty() || !stored.get().spec().equals(decidedOn.spec())
                        || stored.get().status().revision() != decidedOn.status().revision()
                        || !stored.get().status().update().equals(decidedOn.status().update())) {
                    throw e;
                }
                target = stored.get().withStatus(stored.get().status().withUpdate(target.status().update()));
            }
        }
    }

    /** The service's writes: a rollback (spec, revision, state) or the new rollout state. */
    private List<WriteOp> serviceWrites(Service service, RolloutPlanner.Plan plan, Instant now) {
        if (plan.rollback().isPresent()) {
            List<ServiceRevision> kept = store.list(Kind.SERVICE_REVISION, service.name() + "-").items();
            Optional<ServiceRevision> previous = Revisions.previous(service, kept);
            Optional<PortClaims.Clash> clash = previous.flatMap(p -> PortClaims.firstClash(
                    service.withSpec(p.spec()), services.list()));
            if (previous.isPresent() && clash.isEmpty()) {
                Revisions.Write write = Revisions.rollback(service, previous.get(), kept, now, plan.rollback().get());
                List<WriteOp> ops = new ArrayList<>();
                ops.add(WriteOp.update(write.service()));
                write.created().forEach(r -> ops.add(WriteOp.create(r)));
                write.expired().forEach(r -> ops.add(WriteOp.delete(r)));
                LOG.warn("service {}: {}; rolling back to revision {} as revision {}", service.name(),
                        plan.rollback().get(), previous.get().revision(), write.service().status().revision());
                return ops;
            }
            UpdateStatus base = plan.update().orElse(service.status().update());
            // as the API refuses a rollback onto a port another service took since, so do we
            String why = clash.map(c -> "; revision " + previous.get().revision() + " cannot come back: its "
                    + c.describe()).orElse("; no earlier revision to roll back to");
            UpdateStatus paused = base.ended(base.state().paused(), now,
                    plan.rollback().get().replace("update rolled back", "update paused") + why);
            LOG.warn("service {}: {}", service.name(), paused.message());
            return List.of(WriteOp.update(service.withStatus(service.status().withUpdate(paused))));
        }
        if (plan.update().isPresent()) {
            UpdateStatus update = plan.update().get();
            if (update.state().isPaused()) {
                LOG.warn("service {}: {}", service.name(), update.message());
            } else if (update.completedAt().isPresent()) {
                LOG.info("service {}: {} (revision {})", service.name(), update.message(), update.revision());
            }
            return List.of(WriteOp.update(service.withStatus(service.status().withUpdate(update))));
        }
        return List.of();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
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
