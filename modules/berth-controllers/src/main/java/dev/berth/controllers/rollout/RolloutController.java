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
        Result after = Result.wakeAt(plan.wakeAt(), clock.instant());
        if (plan.isEmpty()) {
            return after;
        }
        try {
            // the service first: a rollout's start (its startedAt, from which failures count) is
            // stored before any task is replaced for it, and a rollback before anything else
            Optional<UpdateStatus> state = plan.update();
            if (plan.rollback().isPresent()) {
                Optional<UpdateStatus> paused = rollBack(service, plan, now);
                if (paused.isEmpty()) {
                    // the rollback changed the template: the next decision replaces tasks for it
                    return Result.done();
                }
                state = paused;
            }
            if (state.isPresent()) {
                logState(service, state.get());
                writeRolloutState(service, state.get());
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
    private void writeRolloutState(Service decidedOn, UpdateStatus update) {
        Service target = decidedOn.withStatus(decidedOn.status().withUpdate(update));
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
                target = stored.get().withStatus(stored.get().status().withUpdate(update));
            }
        }
    }

    /**
     * Rolls {@code service} back to its previous revision ({@link Revisions#rollback}, written in
     * one transaction), or, when there is none or it publishes a port another service took since
     * (the API refuses such a rollback too), returns the paused state that says so.
     *
     * @return empty when rolled back, else the state to write instead
     */
    private Optional<UpdateStatus> rollBack(Service service, RolloutPlanner.Plan plan, Instant now) {
        String message = plan.rollback().orElseThrow();
        List<ServiceRevision> kept = store.list(Kind.SERVICE_REVISION, service.name() + "-").items();
        Optional<ServiceRevision> previous = Revisions.previous(service, kept);
        Optional<PortClaims.Clash> clash = previous.flatMap(p -> PortClaims.firstClash(
                service.withSpec(p.spec()), services.list()));
        if (previous.isPresent() && clash.isEmpty()) {
            Revisions.Write write = Revisions.rollback(service, previous.get(), kept, now, message);
            store.commit(write.ops());
            LOG.warn("service {}: {}; rolling back to revision {} as revision {}", service.name(), message,
                    previous.get().revision(), write.service().status().revision());
            return Optional.empty();
        }
        String why = clash.map(c -> "; revision " + previous.get().revision() + " cannot come back: its "
                + c.describe()).orElse("; no earlier revision to roll back to");
        UpdateStatus base = plan.update().orElse(service.status().update());
        return Optional.of(base.ended(base.state().paused(), now,
                message.replace("update rolled back", "update paused") + why));
    }

    private static void logState(Service service, UpdateStatus update) {
        if (update.state().isPaused()) {
            LOG.warn("service {}: {}", service.name(), update.message());
        } else if (update.completedAt().isPresent()) {
            LOG.info("service {}: {} (revision {})", service.name(), update.message(), update.revision());
        }
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
