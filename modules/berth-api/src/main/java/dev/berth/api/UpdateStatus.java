package dev.berth.api;

import java.time.Instant;
import java.util.Optional;

/**
 * The state of a service's latest rollout (Swarm's {@code UpdateStatus}), kept in the service's
 * status so that a new leader resumes it where the old one left it.
 *
 * @param state where the rollout stands
 * @param revision the service revision ({@link ServiceStatus#revision()}) this rollout brings the
 *     tasks to; a service whose current revision differs has a rollout still to start
 * @param startedAt when the rollout started (or was last resumed): new tasks that stop on their
 *     own after it count as failures
 * @param completedAt when it completed, paused or was rolled back
 * @param message why it is in its state ({@code update paused due to failure of task ...})
 */
public record UpdateStatus(UpdateState state, long revision, Optional<Instant> startedAt,
        Optional<Instant> completedAt, String message) {

    public static final UpdateStatus NONE = new UpdateStatus(UpdateState.NONE, 0, Optional.empty(),
            Optional.empty(), "");

    public UpdateStatus {
        state = state == null ? UpdateState.NONE : state;
        startedAt = startedAt == null ? Optional.empty() : startedAt;
        completedAt = completedAt == null ? Optional.empty() : completedAt;
        message = message == null ? "" : message;
    }

    /** A rollout to {@code revision} starting {@code at} in {@code state}. */
    public static UpdateStatus started(UpdateState state, long revision, Instant at, String message) {
        return new UpdateStatus(state, revision, Optional.of(at), Optional.empty(), message);
    }

    /** This rollout moved to {@code next} at {@code at} (a pause, a completion). */
    public UpdateStatus ended(UpdateState next, Instant at, String why) {
        return new UpdateStatus(next, revision, startedAt, Optional.of(at), why);
    }
}
