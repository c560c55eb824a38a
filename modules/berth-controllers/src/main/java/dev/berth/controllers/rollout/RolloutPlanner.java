package dev.berth.controllers.rollout;

import dev.berth.api.FailureAction;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.TaskTemplate;
import dev.berth.api.UpdateConfig;
import dev.berth.api.UpdateOrder;
import dev.berth.api.UpdateState;
import dev.berth.api.UpdateStatus;
import dev.berth.controllers.service.RestartDecider;
import dev.berth.controllers.service.ServiceReconciler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pure decisions of a rolling update: given a service and its tasks, which outdated tasks to
 * replace now, and whether the rollout completes, pauses or must roll back. It keeps no memory: all
 * it needs is in the service's status ({@code revision}, {@code update}) and in the tasks, so a new
 * leader, or the same one after a crash, resumes where the last decision left off.
 *
 * <p>A <em>place</em> is a replicated service's slot, or a global service's node. A place is
 * <em>done</em> once a task of the current template in it has been up (running and, with a health
 * check, healthy) for the update config's {@code monitor}; it is <em>in flight</em> while its new
 * task is on its way: created but not up, up for less than {@code monitor}, or not created yet
 * after its outdated task was stopped (stop-first). At most {@code parallelism} places are in
 * flight; the next one starts {@code delay} after the last one was done. Waiting out the monitor
 * before the next batch (Kubernetes' minReadySeconds rather than Swarm's background monitor) means
 * a new version that dies after a few seconds never takes more than one batch down with it.
 *
 * <p>Stop-first shuts an outdated task down and leaves its slot to the service controller, which
 * fills it with the current template; start-first marks it with
 * {@link ServiceReconciler#START_REPLACEMENT}, the service controller starts the replacement next to
 * it, and this planner shuts the outdated one down once its replacement is up. Only the service
 * controller creates tasks.
 *
 * <p>A failure is a task of the current template, created since the rollout started (or was
 * resumed), that stopped on its own: it exited, failed its health check or was rejected. When
 * failures exceed {@code maxFailureRatio} of the places, the failure action applies: pause, or
 * roll back to the previous revision (which the controller writes, see {@link Revisions}), or, for
 * {@code continue}, nothing.
 */
public final class RolloutPlanner {

    private RolloutPlanner() {
    }

    /**
     * What the rollout controller should write for one service.
     *
     * @param tasks updated tasks (shut down, or marked for a start-first replacement), each a CAS
     *     on its resourceVersion
     * @param update the service's new rollout state, when it changes
     * @param rollback when the service must roll back: the message of the rollback
     * @param wakeAt when to look again though nothing changes (a monitor period or a delay ends)
     */
    public record Plan(List<Task> tasks, Optional<UpdateStatus> update, Optional<String> rollback,
            Optional<Instant> wakeAt) {

        public Plan {
            tasks = List.copyOf(tasks);
        }

        /** Whether there is nothing to write. */
        public boolean isEmpty() {
            return tasks.isEmpty() && update.isEmpty() && rollback.isEmpty();
        }
    }

    /**
     * One place's live tasks, split by template, and whether an outdated task there is still
     * stopping (shut down, not reported stopped yet).
     */
    private record Place(Object key, List<Task> current, List<Task> outdated, boolean stopping) {

        Optional<Task> upCurrent() {
            return current.stream().filter(ServiceReconciler::isUp).findFirst();
        }

        boolean awaitsReplacement(long revision) {
            return outdated.stream().anyMatch(t -> ServiceReconciler.isMarkedFor(t, revision));
        }

        /** Whether the outdated task still serves (replacing a broken one first costs nothing). */
        boolean outdatedUp() {
            return outdated.stream().anyMatch(ServiceReconciler::isUp);
        }
    }

    /**
     * Plans the next step of {@code service}'s rollout.
     *
     * @param tasks the service's tasks (others are ignored)
     * @param now the time of the decision
     */
    public static Plan plan(Service service, Collection<Task> tasks, Instant now) {
        return plan(service, tasks, java.util.Set.of(), now);
    }

    /**
     * Plans the next step of {@code service}'s rollout.
     *
     * @param tasks the service's tasks (others are ignored)
     * @param downNodes nodes that are down or gone: a task shut down there is not waited for, as
     *     no agent will report it stopped until the node is back
     * @param now the time of the decision
     */
    public static Plan plan(Service service, Collection<Task> tasks, java.util.Set<String> downNodes, Instant now) {
        long revision = service.status().revision();
        if (revision == 0) {
            // a service stored before revisions existed and never changed since: nothing to roll out
            return new Plan(List.of(), Optional.empty(), Optional.empty(), Optional.empty());
        }
        UpdateStatus update = service.status().update();
        Optional<UpdateStatus> changed = Optional.empty();
        if (update.revision() != revision) {
            // a new revision: a new rollout, superseding any other (a rollback write starts its own)
            update = UpdateStatus.started(UpdateState.UPDATING, revision, now, "");
            changed = Optional.of(update);
        }
        TaskTemplate target = service.spec().taskTemplate();
        UpdateConfig config = update.state().isRollback() ? service.spec().rollback() : service.spec().update();
        List<Task> owned = tasks.stream().filter(t -> t.spec().serviceName().equals(service.name())
                && ServiceReconciler.owns(service, t)).toList();
        List<Place> places = places(service, owned, target, downNodes);

        List<Task> writes = new ArrayList<>();
        List<Place> candidates = new ArrayList<>();
        // places with no live task are being refilled by the service controller (a stop-first
        // shutdown leaves them so): a replicated service's empty slots, and a global service's
        // eligible nodes (status.replicas, the service controller's count) without a task
        int inFlight = service.spec().mode() == ServiceMode.GLOBAL ? emptySlots(service.status().replicas(), places)
                : emptySlots(service.spec().replicas(), places);
        Instant lastDone = Instant.MIN;
        Optional<Instant> wake = Optional.empty();
        Optional<Instant> started = update.startedAt();
        for (Place place : places) {
            Optional<Task> up = place.upCurrent();
            if (up.isPresent()) {
                // its replacement is up: an outdated task left next to it (start-first) goes now
                for (Task old : place.outdated()) {
                    writes.add(ServiceReconciler.shutdownOf(old, now, "replaced by revision " + revision));
                }
                Instant doneAt = up.get().status().timestamp().orElse(now).plus(config.monitor());
                if (!place.outdated().isEmpty() || place.stopping()) {
                    // done only once the old container is gone: start-first never runs more than
                    // parallelism extra tasks, even while old ones take their grace period
                    inFlight++;
                } else if (doneAt.isAfter(now)) {
                    inFlight++;
                    wake = earliest(wake, doneAt);
                }
                if (started.isPresent() && !createdBefore(up.get(), started.get()) && doneAt.isAfter(lastDone)) {
                    lastDone = doneAt;
                }
            } else if (!place.current().isEmpty() || place.awaitsReplacement(revision) || place.stopping()) {
                inFlight++;
            } else if (!place.outdated().isEmpty()) {
                candidates.add(place);
            }
        }
        if (!update.state().isActive()) {
            // paused or finished: only the start-first replacements already made are completed
            return new Plan(writes, changed, Optional.empty(), Optional.empty());
        }

        List<Task> failures = failures(owned, target, started);
        // a global service's eligible nodes, as the service controller counts them: the nodes
        // with a live task shrink as tasks fail
        int total = Math.max(1, service.spec().mode() == ServiceMode.GLOBAL
                ? Math.max(places.size(), service.status().replicas())
                : service.spec().replicas());
        if (config.failureAction() != FailureAction.CONTINUE && !failures.isEmpty()
                && (double) failures.size() / total > config.maxFailureRatio()) {
            String what = "failure or early termination of task " + describe(failures.get(0));
            if (config.failureAction() == FailureAction.ROLLBACK && !update.state().isRollback()) {
                return new Plan(writes, changed, Optional.of("update rolled back due to " + what), Optional.empty());
            }
            String message = (update.state().isRollback() ? "rollback" : "update") + " paused due to " + what;
            return new Plan(writes, Optional.of(update.ended(update.state().paused(), now, message)),
                    Optional.empty(), Optional.empty());
        }

        if (candidates.isEmpty() && inFlight == 0) {
            boolean rollback = update.state().isRollback();
            // a rollback keeps why it happened: that is what its user wants to read afterwards
            String message = !rollback ? "update completed"
                    : update.message().isEmpty() ? "rollback completed" : "rollback completed; " + update.message();
            UpdateStatus done = update.ended(rollback ? UpdateState.ROLLBACK_COMPLETED : UpdateState.COMPLETED, now,
                    message);
            return new Plan(writes, Optional.of(done), Optional.empty(), Optional.empty());
        }
        int limit = config.parallelism() == 0 ? Integer.MAX_VALUE : config.parallelism();
        int free = Math.max(0, limit - inFlight);
        if (free > 0 && !config.delay().isZero() && !lastDone.equals(Instant.MIN)) {
            Instant next = lastDone.plus(config.delay());
            if (next.isAfter(now)) {
                free = 0;
                wake = earliest(wake, next);
            }
        }
        // broken outdated tasks first: replacing them costs no capacity
        candidates.sort(Comparator.comparing(Place::outdatedUp));
        for (Place place : candidates.subList(0, Math.min(free, candidates.size()))) {
            List<Task> outdated = new ArrayList<>(place.outdated());
            if (config.order() == UpdateOrder.START_FIRST) {
                outdated.sort(MOST_ADVANCED);
                writes.add(marked(outdated.get(0), revision));
                outdated = outdated.subList(1, outdated.size());
            }
            for (Task old : outdated) {
                writes.add(ServiceReconciler.shutdownOf(old, now, "updating to revision " + revision));
            }
        }
        return new Plan(writes, changed, Optional.empty(), wake);
    }

    /** Running first, then by id: the outdated task that keeps serving during a start-first step. */
    private static final Comparator<Task> MOST_ADVANCED = Comparator
            .comparing((Task t) -> t.status().state().ordinal()).reversed().thenComparing(Task::id);

    /** The live tasks of each place, in place order (slot number, or node id). */
    private static List<Place> places(Service service, List<Task> owned, TaskTemplate target,
            java.util.Set<String> downNodes) {
        boolean global = service.spec().mode() == ServiceMode.GLOBAL;
        Comparator<Object> order = Comparator.comparing(Object::toString,
                Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()));
        Map<Object, List<Task>> byPlace = new TreeMap<>(order);
        Map<Object, Boolean> stopping = new TreeMap<>(order);
        for (Task task : owned) {
            Object key = global ? task.spec().nodeId() : Integer.valueOf(task.spec().slot());
            boolean inRange = global ? !task.spec().nodeId().isEmpty()
                    : task.spec().slot() >= 1 && task.spec().slot() <= service.spec().replicas();
            if (!inRange) {
                continue;
            }
            if (task.isLive()) {
                byPlace.computeIfAbsent(key, k -> new ArrayList<>()).add(task);
            } else if (!task.status().state().isTerminal() && !task.spec().template().equals(target)
                    && task.status().state().ordinal() >= TaskState.ASSIGNED.ordinal()
                    && !downNodes.contains(task.spec().nodeId())) {
                // shut down but its agent has not reported it stopped yet
                stopping.put(key, true);
            }
        }
        List<Place> places = new ArrayList<>();
        for (Map.Entry<Object, List<Task>> e : byPlace.entrySet()) {
            List<Task> current = new ArrayList<>();
            List<Task> outdated = new ArrayList<>();
            for (Task task : e.getValue()) {
                (task.spec().template().equals(target) ? current : outdated).add(task);
            }
            places.add(new Place(e.getKey(), current, outdated, stopping.getOrDefault(e.getKey(), false)));
        }
        return places;
    }

    /** Places with no live task (of {@code replicas} wanted): the service controller is refilling them. */
    private static int emptySlots(int replicas, List<Place> places) {
        return Math.max(0, replicas - places.size());
    }

    /**
     * The rollout's failures, newest first: tasks of the current template created since it started
     * that stopped on their own (not shut down by a controller, nor lost with their node).
     */
    static List<Task> failures(List<Task> owned, TaskTemplate target, Optional<Instant> since) {
        List<Task> failed = new ArrayList<>();
        for (Task task : owned) {
            TaskState state = task.status().state();
            boolean stoppedOnItsOwn = RestartDecider.stoppedOnItsOwn(task) || RestartDecider.isRestartAttempt(task);
            if (task.spec().template().equals(target) && stoppedOnItsOwn
                    && (state == TaskState.FAILED || state == TaskState.REJECTED || state == TaskState.COMPLETE)
                    && (since.isEmpty() || !createdBefore(task, since.get()))) {
                failed.add(task);
            }
        }
        failed.sort(Comparator.comparing((Task t) -> t.status().timestamp().orElse(Instant.MIN)).reversed()
                .thenComparing(Task::id));
        return failed;
    }

    private static boolean createdBefore(Task task, Instant when) {
        return task.metadata().creationTimestamp().map(c -> c.isBefore(when)).orElse(true);
    }

    /** {@code whoami.2 (abc123): non-zero exit (1)}. */
    private static String describe(Task task) {
        String why = !task.status().error().isEmpty() ? task.status().error()
                : task.status().state().display().toLowerCase(java.util.Locale.ROOT);
        return task.displayName() + " (" + task.id() + "): " + why;
    }

    /** {@code task} marked for a start-first replacement. */
    private static Task marked(Task task, long revision) {
        ObjectMeta m = task.metadata();
        Map<String, String> annotations = new HashMap<>(m.annotations());
        annotations.put(ServiceReconciler.START_REPLACEMENT, Long.toString(revision));
        return task.withMetadata(m.withAnnotations(annotations));
    }

    private static Optional<Instant> earliest(Optional<Instant> current, Instant candidate) {
        return current.isPresent() && current.get().isBefore(candidate) ? current : Optional.of(candidate);
    }
}
