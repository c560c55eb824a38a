package dev.berth.controllers.service;

import dev.berth.api.Service;
import dev.berth.api.Task;

/**
 * One change the {@link ServiceReconciler} wants written: each carries the full object to store,
 * so the applier only translates it into a {@link dev.berth.store.WriteOp}.
 */
public sealed interface ServiceAction {

    /** Create {@code task} (a new id, status NEW). */
    record CreateTask(Task task) implements ServiceAction {
    }

    /**
     * Replace a task by {@code updated}: desiredState SHUTDOWN and, for a task never sent to a node,
     * status SHUTDOWN too; a task that stopped on its own also carries the restart policy's
     * decision ({@link RestartDecider#STOPPED_AT}, {@link RestartDecider#RESTART_AT}). {@code updated}
     * keeps the observed resourceVersion, so the write is a CAS.
     */
    record ShutdownTask(Task updated, String reason) implements ServiceAction {
    }

    /** Replace the service by {@code updated} whose status changed (a CAS on its resourceVersion). */
    record UpdateServiceStatus(Service updated) implements ServiceAction {
    }
}
