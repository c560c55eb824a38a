package dev.berth.agent.executor;

import java.time.Instant;
import java.util.Optional;

/**
 * One state change of a managed container, as the engine announced it.
 *
 * @param containerId the container
 * @param taskId the task it runs (from its label); empty when the label is missing
 * @param type what happened
 * @param exitCode the exit code the engine put in a {@code die} event, if any (the worker still
 *     inspects the container: the event is a hint)
 * @param time when the engine saw it
 */
public record ContainerEvent(String containerId, String taskId, Type type, Optional<Integer> exitCode, Instant time) {

    /** The container changes the worker cares about. */
    public enum Type {
        /** The container's process started. */
        START,
        /** The container's process ended (exit, kill, OOM). */
        DIE,
        /** The container was removed. */
        DESTROY,
        /** The engine's health check (Docker's HEALTHCHECK) passed after not passing. */
        HEALTHY,
        /** The engine's health check failed its retries in a row. */
        UNHEALTHY
    }

    public ContainerEvent {
        taskId = taskId == null ? "" : taskId;
        exitCode = exitCode == null ? Optional.empty() : exitCode;
    }
}
