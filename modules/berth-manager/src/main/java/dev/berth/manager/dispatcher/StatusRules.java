package dev.berth.manager.dispatcher;

import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which status reports of an agent the manager accepts (pure). An agent may only report on the
 * tasks placed on its own node, only states it owns (from {@code ACCEPTED} on), and never move a
 * task backwards ({@link TaskState#canMoveTo}); a report that changes nothing is dropped so that
 * a resend after a reconnect costs no write. The container id, the cluster-network address and
 * the health, once reported, stay when a later update leaves them empty. A report in the same state
 * that only brings a new health ({@code starting} → {@code healthy}) is news and is kept: the
 * network controller routes to a task only once it is healthy. A task that leaves RUNNING keeps
 * its last health, so that {@code describe task} still shows why it was replaced.
 */
public final class StatusRules {

    /** The health values an agent may report (an empty one means "no news"). */
    private static final java.util.Set<String> HEALTH_WORDS = java.util.Set.of("starting", "healthy", "unhealthy");

    private StatusRules() {
    }

    /**
     * The status {@code task} gets from {@code update}, or empty when the update is dropped.
     *
     * @param task the task as stored
     * @param nodeId the node whose agent sent the update
     * @param update the update
     * @param now when the update is received (used when the agent sent no timestamp)
     */
    public static Optional<TaskStatus> apply(Task task, String nodeId, TaskStatusUpdate update, Instant now) {
        if (!task.id().equals(update.taskId()) || !task.spec().nodeId().equals(nodeId) || update.state() == null) {
            return Optional.empty();
        }
        TaskStatus current = task.status();
        TaskState next = update.state();
        if (next.ordinal() < TaskState.ACCEPTED.ordinal() && next != current.state()) {
            return Optional.empty();
        }
        if (!current.state().canMoveTo(next)) {
            return Optional.empty();
        }
        String containerId = update.containerId().isEmpty() ? current.containerId() : update.containerId();
        // an agent reports the address once it knows it; later updates without one keep it
        String address = update.address().isEmpty() ? current.address() : update.address();
        // the agent sends the health only when it knows one; an update without it keeps the last.
        // A word outside the API's is kept out too: the network controller routes by this field.
        String health = HEALTH_WORDS.contains(update.health()) ? update.health() : current.health();
        if (next == current.state() && update.message().equals(current.message())
                && update.error().equals(current.error()) && containerId.equals(current.containerId())
                && address.equals(current.address()) && health.equals(current.health())) {
            return Optional.empty();
        }
        Instant at = update.timestamp() == null ? now : update.timestamp();
        return Optional.of(new TaskStatus(next, update.message(), update.error(), Optional.of(at), containerId,
                address, health));
    }

    /**
     * {@code task} after every update of {@code updates} (reported by {@code nodeId}, oldest first)
     * that is accepted, or empty when none is.
     */
    public static Optional<Task> applyAll(Task task, String nodeId, List<TaskStatusUpdate> updates, Instant now) {
        Task current = task;
        boolean changed = false;
        for (TaskStatusUpdate update : updates) {
            Optional<TaskStatus> next = apply(current, nodeId, update, now);
            if (next.isPresent()) {
                current = current.withStatus(next.get());
                changed = true;
            }
        }
        return changed ? Optional.of(current) : Optional.empty();
    }
}
