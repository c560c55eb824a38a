package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a service's rollout stands (Swarm's {@code UpdateStatus.State}). A rollout goes from
 * {@link #UPDATING} to {@link #COMPLETED}, or to {@link #PAUSED} when too many new tasks fail (or a
 * user pauses it); a rollback, automatic or asked for, goes from {@link #ROLLBACK_STARTED} to
 * {@link #ROLLBACK_COMPLETED} or {@link #ROLLBACK_PAUSED}.
 */
public enum UpdateState {
    /** No rollout has been tracked yet (a service stored before rollouts existed). */
    @JsonProperty("none")
    NONE,
    @JsonProperty("updating")
    UPDATING,
    @JsonProperty("paused")
    PAUSED,
    @JsonProperty("completed")
    COMPLETED,
    @JsonProperty("rollback_started")
    ROLLBACK_STARTED,
    @JsonProperty("rollback_paused")
    ROLLBACK_PAUSED,
    @JsonProperty("rollback_completed")
    ROLLBACK_COMPLETED;

    /** The value as written in YAML and printed by the CLI. */
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether this is a rollback's state: it replaces tasks by the service's rollback config. */
    public boolean isRollback() {
        return this == ROLLBACK_STARTED || this == ROLLBACK_PAUSED || this == ROLLBACK_COMPLETED;
    }

    /** Whether tasks are being replaced now. */
    public boolean isActive() {
        return this == UPDATING || this == ROLLBACK_STARTED;
    }

    /** Whether the rollout stopped halfway and waits for a resume, a rollback or a new spec. */
    public boolean isPaused() {
        return this == PAUSED || this == ROLLBACK_PAUSED;
    }

    /** The state a paused rollout resumes in, or a running one is paused in. */
    public UpdateState paused() {
        return isRollback() ? ROLLBACK_PAUSED : PAUSED;
    }

    /** The active state a paused one resumes in. */
    public UpdateState resumed() {
        return isRollback() ? ROLLBACK_STARTED : UPDATING;
    }
}
