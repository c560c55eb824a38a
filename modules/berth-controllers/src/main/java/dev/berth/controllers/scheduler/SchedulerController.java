package dev.berth.controllers.scheduler;

import dev.berth.api.ApiObject;
import dev.berth.api.Node;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.controllers.runtime.Controller;
import dev.berth.controllers.runtime.Result;
import dev.berth.controllers.runtime.Txns;
import dev.berth.scheduler.Assignment;
import dev.berth.scheduler.Plan;
import dev.berth.scheduler.Planner;
import dev.berth.scheduler.Rejection;
import dev.berth.store.ObjectStore;
import dev.berth.store.StoreException;
import dev.berth.store.TxnResult;
import dev.berth.store.WriteOp;
import dev.berth.store.informer.EventHandler;
import dev.berth.store.informer.Informer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The scheduler controller. It has a single key, so that any burst of task and node events
 * coalesces into one pass: take every pending task from the cache, plan them all against one
 * snapshot, write the assignments chunk after chunk, each chunk one CAS transaction.
 *
 * <p>Assignments just written are kept "in flight" until the task informer shows them: until
 * then the cache still shows those tasks pending, and planning them again would only produce
 * conflicts, and counting them as not placed would overcommit their nodes.
 */
public final class SchedulerController implements AutoCloseable {

    /** The only key of this controller. */
    public static final String KEY = "all";
    /** Message of an assigned task's status. */
    public static final String ASSIGNED_MESSAGE = "scheduled";
    /** Message of a task the planner could not place (the reason is its error). */
    public static final String PENDING_MESSAGE = "pending task scheduling";
    // unschedulable tasks are planned again on node and task changes; this is only a safety net
    private static final Duration RETRY_UNSCHEDULABLE = Duration.ofSeconds(30);

    private static final Logger LOG = LogManager.getLogger(SchedulerController.class);

    private final ObjectStore store;
    private final Informer<Task> tasks;
    private final Informer<Node> nodes;
    private final Planner planner;
    private final Clock clock;
    private final Controller<String> controller;
    // task id -> the assigned task as we stored it; touched only by the single worker
    private final Map<String, Task> inFlight = new HashMap<>();

    /** Builds the controller and registers its handlers on the (not yet started) informers. */
    public SchedulerController(ObjectStore store, Informer<Task> tasks, Informer<Node> nodes, Planner planner,
            Clock clock) {
        this.store = store;
        this.tasks = tasks;
        this.nodes = nodes;
        this.planner = planner;
        this.clock = clock;
        // one worker: there is one key, and inFlight relies on it
        this.controller = new Controller<>("scheduler", List.of(tasks, nodes), k -> schedule(), 1, clock);
        tasks.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Task t) {
                if (isPending(t)) {
                    controller.enqueue(KEY);
                }
            }

            @Override
            public void onUpdate(Task oldT, Task newT) {
                // our own assignments (pending -> assigned) must not trigger another pass
                if ((isPending(newT) && !isPending(oldT)) || (oldT.isLive() && !newT.isLive())
                        || (occupiesNode(oldT) && !occupiesNode(newT))) {
                    controller.enqueue(KEY);
                }
            }

            @Override
            public void onDelete(Task t) {
                if (t.isLive() || occupiesNode(t)) {
                    controller.enqueue(KEY);
                }
            }
        });
        nodes.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Node n) {
                controller.enqueue(KEY);
            }

            @Override
            public void onUpdate(Node oldN, Node newN) {
                // heartbeats only move lastHeartbeat, which no filter reads
                if (!oldN.spec().equals(newN.spec()) || !oldN.metadata().labels().equals(newN.metadata().labels())
                        || oldN.status().state() != newN.status().state()
                        || !oldN.status().resources().equals(newN.status().resources())
                        || !oldN.status().hostname().equals(newN.status().hostname())) {
                    controller.enqueue(KEY);
                }
            }

            @Override
            public void onDelete(Node n) {
                controller.enqueue(KEY);
            }
        });
    }

    /** A task the scheduler must place: live and not yet ASSIGNED (global tasks come pinned). */
    public static boolean isPending(Task t) {
        return t.isLive() && t.status().state().ordinal() < TaskState.ASSIGNED.ordinal();
    }

    /**
     * Whether {@code t} holds a place on its node: assigned there and not reported stopped, whatever
     * its desired state. A task being shut down keeps its reservations and host-mode ports until
     * its container is gone (swarmkit counts tasks by their actual state too), so that a stop-first
     * rollout's replacement waits for the old task's port instead of failing to bind it.
     */
    public static boolean occupiesNode(Task t) {
        return !t.spec().nodeId().isEmpty() && t.status().state().ordinal() >= TaskState.ASSIGNED.ordinal()
                && !t.status().state().isTerminal();
    }

    /** Starts the worker and schedules a first pass. */
    public void start() {
        controller.start();
        controller.enqueue(KEY);
    }

    /** Asks for a scheduling pass. */
    public void enqueue() {
        controller.enqueue(KEY);
    }

    Result schedule() {
        List<Task> pending = new ArrayList<>();
        List<Task> placed = new ArrayList<>();
        Map<String, Task> seen = new HashMap<>();
        for (Task cached : tasks.list()) {
            Task t = cached;
            Task written = inFlight.get(t.id());
            if (written != null) {
                if (cached.metadata().resourceVersion() >= written.metadata().resourceVersion()) {
                    inFlight.remove(t.id());
                } else {
                    t = written;
                }
            }
            seen.put(t.id(), t);
            if (isPending(t)) {
                pending.add(t);
            } else if (occupiesNode(t)) {
                placed.add(t);
            }
        }
        inFlight.keySet().retainAll(seen.keySet());
        if (pending.isEmpty()) {
            return Result.done();
        }
        long planStart = System.nanoTime();
        Plan plan = planner.plan(pending, nodes.list(), placed);
        long planNanos = System.nanoTime() - planStart;
        Instant now = clock.instant();
        List<WriteOp> ops = new ArrayList<>(pending.size());
        for (Assignment a : plan.assignments()) {
            Task t = a.task();
            ops.add(WriteOp.update(t.withSpec(t.spec().withNodeId(a.nodeId()))
                    .withStatus(t.status().movedTo(TaskState.ASSIGNED, ASSIGNED_MESSAGE, "", now))));
        }
        for (Rejection r : plan.rejections()) {
            Task t = r.task();
            // rewriting an unchanged reason on every pass would be a write storm
            if (t.status().state() != TaskState.PENDING || !t.status().error().equals(r.reason())) {
                ops.add(WriteOp.update(t.withStatus(
                        t.status().movedTo(TaskState.PENDING, PENDING_MESSAGE, r.reason(), now))));
            }
        }
        int written = 0;
        StoreException.Conflict conflict = null;
        for (List<WriteOp> chunk : Txns.chunks(ops, store.maxTxnOps())) {
            TxnResult result;
            try {
                result = store.commit(chunk);
            } catch (StoreException.Conflict e) {
                // some task changed under us: skip this chunk, the next pass sees fresh state
                LOG.debug("scheduler: a chunk of {} writes conflicted: {}", chunk.size(), e.getMessage());
                conflict = e;
                continue;
            }
            written += chunk.size();
            for (ApiObject stored : result.stored()) {
                if (stored instanceof Task task && task.status().state() == TaskState.ASSIGNED) {
                    inFlight.put(task.id(), task);
                }
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("scheduler: {} pending, {} assigned, {} rejected, {} written; planned in {} ms, wrote in {} ms",
                    pending.size(), plan.assignments().size(), plan.rejections().size(), written,
                    planNanos / 1_000_000, (System.nanoTime() - planStart - planNanos) / 1_000_000);
        }
        if (conflict != null) {
            return Result.error(conflict);
        }
        return plan.rejections().isEmpty() ? Result.done() : Result.requeueAfter(RETRY_UNSCHEDULABLE);
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
