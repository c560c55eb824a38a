package dev.berth.controllers.service;

import dev.berth.api.ObjectMeta;
import dev.berth.api.RestartCondition;
import dev.berth.api.RestartPolicy;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.TaskTemplate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The pure restart-policy decisions of the service controller (swarmkit's restart supervisor),
 * kept in the store so that they survive a change of leader and need no sleeping thread.
 *
 * <p>When a task stops on its own (its status is terminal while its desiredState is still
 * RUNNING), the service controller sets its desiredState to SHUTDOWN and stamps it with two
 * annotations: {@link #STOPPED_AT} (when the manager saw it stop; it marks the task as a restart
 * attempt of its slot) and, if the policy wants a replacement, {@link #RESTART_AT} (failure time
 * plus the policy's delay). While the newest task of an empty slot carries a {@code RESTART_AT} in
 * the future, the slot stays empty and the controller re-queues the service for that time; a
 * stamped task without {@code RESTART_AT} keeps its slot empty for good (the policy gave up), until
 * the service's task template changes.
 *
 * <p>Attempts are counted from the slot's history (tasks stamped with {@code STOPPED_AT} of the
 * same template within the policy's window), not from memory, so a manager restart neither resets
 * nor forgets them; the reaper keeps the tasks this count needs.
 */
public final class RestartDecider {

    /** Annotation on a task that stopped on its own: when the manager saw it stop (ISO-8601). */
    public static final String STOPPED_AT = "berth.restart/stopped-at";
    /**
     * Annotation on a task that stopped on its own and is to be replaced: the earliest time its
     * replacement may be created (ISO-8601). Absent on a stamped task: no replacement.
     */
    public static final String RESTART_AT = "berth.restart/restart-at";

    /** Newest first: by creation time, then by id (deterministic). */
    static final Comparator<Task> NEWEST_FIRST = Comparator
            .comparing((Task t) -> t.metadata().creationTimestamp().orElse(Instant.MIN))
            .thenComparing(Task::id)
            .reversed();

    private RestartDecider() {
    }

    /** What an empty slot (or a global service's node without a task) should do now. */
    public sealed interface SlotState {

        /** Create a task now: no restart pending, or its delay has passed. */
        record CreateNow() implements SlotState {
        }

        /** A replacement is due at {@code at}: create nothing yet, look again then. */
        record WaitUntil(Instant at) implements SlotState {
        }

        /** The restart policy gave up on this slot: leave it empty. */
        record GaveUp() implements SlotState {
        }
    }

    /**
     * Whether {@code task} stopped without being asked to: its status is terminal but its
     * desiredState still says it should run. Such a task awaits a restart decision.
     */
    public static boolean stoppedOnItsOwn(Task task) {
        return task.spec().desiredState().ordinal() <= TaskState.RUNNING.ordinal()
                && task.status().state().isTerminal();
    }

    /** Whether the restart policy already handled this task (it carries {@link #STOPPED_AT}). */
    public static boolean isRestartAttempt(Task task) {
        return stoppedAt(task).isPresent();
    }

    /** When the manager saw {@code task} stop on its own; empty for other tasks. */
    public static Optional<Instant> stoppedAt(Task task) {
        return instant(task.metadata().annotations().get(STOPPED_AT));
    }

    /** When {@code task}'s replacement may be created; empty when it is not to be replaced. */
    public static Optional<Instant> restartAt(Task task) {
        return instant(task.metadata().annotations().get(RESTART_AT));
    }

    /**
     * Decides when a task that stopped on its own is replaced.
     *
     * @param stopped the task that stopped (status terminal, desiredState RUNNING)
     * @param slotHistory the other tasks of its slot (or of its node, for a global service); the
     *     stamped ones count as earlier attempts
     * @param now the time of the decision: the failure time the delay is counted from
     * @return when the replacement may be created; empty when the policy says no replacement
     */
    public static Optional<Instant> decide(Task stopped, Collection<Task> slotHistory, Instant now) {
        TaskTemplate template = stopped.spec().template();
        RestartPolicy policy = template.restartPolicy();
        if (policy.condition() == RestartCondition.NONE) {
            return Optional.empty();
        }
        if (policy.condition() == RestartCondition.ON_FAILURE && stopped.status().state() == TaskState.COMPLETE) {
            return Optional.empty();
        }
        if (policy.maxAttempts() > 0
                && attemptsWithinWindow(stopped, slotHistory, now) >= policy.maxAttempts()) {
            return Optional.empty();
        }
        return Optional.of(now.plus(policy.delay()));
    }

    /**
     * The restarts already made in the slot and still inside the window: earlier tasks of the same
     * template that stopped on their own (each one was replaced, or {@code stopped} would not
     * exist). A changed template starts a fresh count, as Swarm's does for a new spec version.
     */
    static int attemptsWithinWindow(Task stopped, Collection<Task> slotHistory, Instant now) {
        RestartPolicy policy = stopped.spec().template().restartPolicy();
        Instant since = policy.window().isZero() ? Instant.MIN : now.minus(policy.window());
        int attempts = 0;
        for (Task t : slotHistory) {
            if (t.id().equals(stopped.id()) || !t.spec().template().equals(stopped.spec().template())) {
                continue;
            }
            Optional<Instant> at = stoppedAt(t);
            if (at.isPresent() && at.get().isAfter(since)) {
                attempts++;
            }
        }
        return attempts;
    }

    /**
     * {@code stopped} with desiredState SHUTDOWN and stamped with the decision; its status (FAILED
     * with the agent's error, COMPLETE, ...) is kept as history.
     */
    public static Task stamp(Task stopped, Instant now, Optional<Instant> restartAt) {
        ObjectMeta m = stopped.metadata();
        Map<String, String> annotations = new HashMap<>(m.annotations());
        annotations.put(STOPPED_AT, now.toString());
        if (restartAt.isPresent()) {
            annotations.put(RESTART_AT, restartAt.get().toString());
        } else {
            annotations.remove(RESTART_AT);
        }
        return stopped.withMetadata(m.withAnnotations(annotations)).withSpec(stopped.spec().withDesiredState(TaskState.SHUTDOWN));
    }

    /**
     * What an empty slot does, from its history: the newest task decides. A task stamped with a
     * future {@link #RESTART_AT} makes it wait (even if the service changed meanwhile); one stamped
     * without makes it stay empty, unless the service's template has changed since: a new spec
     * deserves a new try, as Swarm's updater gives it. Anything else (no history, or a task the
     * controller shut down itself) creates.
     *
     * @param slotHistory the non-live tasks of the slot (stamped versions of the ones just stopped)
     * @param current the service's current task template
     */
    public static SlotState emptySlot(Collection<Task> slotHistory, TaskTemplate current, Instant now) {
        Optional<Task> newest = slotHistory.stream().min(NEWEST_FIRST);
        if (newest.isEmpty() || !isRestartAttempt(newest.get())) {
            return new SlotState.CreateNow();
        }
        Task last = newest.get();
        Optional<Instant> at = restartAt(last);
        if (at.isPresent()) {
            // a pending restart keeps its delay even if the spec changed meanwhile: the delay is
            // there to stop tight restart loops, whatever the next task looks like
            return at.get().isAfter(now) ? new SlotState.WaitUntil(at.get()) : new SlotState.CreateNow();
        }
        // a stamped task whose RESTART_AT is unreadable counts as "restart now", not as give-up
        if (last.metadata().annotations().containsKey(RESTART_AT) || !last.spec().template().equals(current)) {
            return new SlotState.CreateNow();
        }
        return new SlotState.GaveUp();
    }

    private static Optional<Instant> instant(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
