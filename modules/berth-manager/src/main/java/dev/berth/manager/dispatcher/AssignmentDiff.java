package dev.berth.manager.dispatcher;

import dev.berth.api.Task;
import dev.berth.api.TaskState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which nodes must hear about a change of a task, and what (pure). A node's assignment set is
 * every task placed on it whose status is at least {@code ASSIGNED} and not yet terminal: those
 * are the tasks its agent must run, or stop when their desiredState says so. Like Swarm's
 * dispatcher, a change that touches only the status (or metadata) is not sent back: the agent
 * reported that status itself.
 */
public final class AssignmentDiff {

    private AssignmentDiff() {
    }

    /**
     * What one node is told.
     *
     * @param nodeId the node
     * @param task the task to add or replace in the node's set, when not a removal
     * @param removed the id of a task that left the node's set, when a removal
     */
    public record Change(String nodeId, Optional<Task> task, Optional<String> removed) {

        static Change upsert(String nodeId, Task task) {
            return new Change(nodeId, Optional.of(task), Optional.empty());
        }

        static Change remove(String nodeId, String taskId) {
            return new Change(nodeId, Optional.empty(), Optional.of(taskId));
        }
    }

    /** Whether {@code task} belongs to the assignment set of {@code nodeId}. */
    public static boolean assigned(Task task, String nodeId) {
        return !nodeId.isEmpty() && task.spec().nodeId().equals(nodeId) && isSent(task);
    }

    /** Whether a task placed on a node is of interest to its agent: assigned and not yet terminal. */
    public static boolean isSent(Task task) {
        TaskState state = task.status().state();
        return state.ordinal() >= TaskState.ASSIGNED.ordinal() && !state.isTerminal();
    }

    /**
     * The changes of the node sets between {@code before} and {@code after} (empty for a create
     * or a delete respectively).
     */
    public static List<Change> diff(Optional<Task> before, Optional<Task> after) {
        List<Change> changes = new ArrayList<>(2);
        String oldNode = before.filter(AssignmentDiff::isSent).map(t -> t.spec().nodeId()).orElse("");
        String newNode = after.filter(AssignmentDiff::isSent).map(t -> t.spec().nodeId()).orElse("");
        if (!oldNode.isEmpty() && !oldNode.equals(newNode)) {
            changes.add(Change.remove(oldNode, before.get().id()));
        }
        if (!newNode.isEmpty()) {
            Task now = after.get();
            // A task that was in the node's set and whose spec did not change is news to nobody.
            boolean known = oldNode.equals(newNode) && before.get().spec().equals(now.spec());
            if (!known) {
                changes.add(Change.upsert(newNode, now));
            }
        }
        return List.copyOf(changes);
    }
}
