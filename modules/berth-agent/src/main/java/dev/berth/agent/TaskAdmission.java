package dev.berth.agent;

import dev.berth.api.Task;
import java.util.Optional;

/**
 * A node-local check a task must pass before the worker prepares it (e.g. its published port
 * is free here). A refusal fails the task with the returned sentence as its error.
 */
@FunctionalInterface
public interface TaskAdmission {

    /** Admits everything. */
    TaskAdmission ALL = task -> Optional.empty();

    /** Why {@code task} cannot run on this node, e.g. {@code port 4567 is already in use on this node}; empty if it can. */
    Optional<String> refusal(Task task);
}
