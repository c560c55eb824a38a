package dev.berth.api;

import java.time.Instant;
import java.util.Optional;

/**
 * What is known of a task: its state and why it is there.
 *
 * @param state the current state; only ever moves forward
 * @param message a short, human sentence ({@code scheduled}, {@code started})
 * @param error why the task is not progressing, e.g. Swarm's
 *     {@code no suitable node (2 nodes insufficient memory)}; empty when fine
 * @param timestamp when the state last changed
 * @param containerId the container that runs the task, once there is one
 * @param address the container's address on the cluster network, once it has one; empty for a
 *     task on an agent without the cluster network
 * @param health {@code starting}, {@code healthy} or {@code unhealthy} for a running task with a
 *     health check ({@link HealthCheck}); empty without one
 */
public record TaskStatus(TaskState state, String message, String error, Optional<Instant> timestamp,
        String containerId, String address, String health) {

    public TaskStatus {
        state = state == null ? TaskState.NEW : state;
        message = message == null ? "" : message;
        error = error == null ? "" : error;
        timestamp = timestamp == null ? Optional.empty() : timestamp;
        containerId = containerId == null ? "" : containerId;
        address = address == null ? "" : address;
        health = health == null ? "" : health;
    }

    /** A status with no health. */
    public TaskStatus(TaskState state, String message, String error, Optional<Instant> timestamp,
            String containerId, String address) {
        this(state, message, error, timestamp, containerId, address, "");
    }

    /** A status with no cluster-network address. */
    public TaskStatus(TaskState state, String message, String error, Optional<Instant> timestamp,
            String containerId) {
        this(state, message, error, timestamp, containerId, "", "");
    }

    /**
     * Whether the task passes its health check: it has none, or its last check passed. A running
     * task that does not is not counted as up and gets no traffic.
     */
    public boolean passesHealthCheck() {
        return health.isEmpty() || "healthy".equals(health);
    }

    public static TaskStatus of(TaskState state, String message, Instant at) {
        return new TaskStatus(state, message, "", Optional.of(at), "");
    }

    /**
     * This status moved to {@code next}.
     *
     * @throws IllegalStateException when that would move the task backwards
     */
    public TaskStatus movedTo(TaskState next, String newMessage, String newError, Instant at) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("task state cannot go from " + state + " to " + next);
        }
        return new TaskStatus(next, newMessage, newError, Optional.of(at), containerId, address, health);
    }
}
