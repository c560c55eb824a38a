package dev.berth.controllers;

import dev.berth.api.Task;
import java.util.Collection;
import java.util.List;

/**
 * Names and key functions of the task informer's secondary indexes, shared by the controllers
 * that look tasks up by service or by node.
 */
public final class Indexes {

    /** Tasks by {@code spec.serviceName}. */
    public static final String TASKS_BY_SERVICE = "service";
    /** Tasks by {@code spec.nodeId} (tasks not on a node are not indexed). */
    public static final String TASKS_BY_NODE = "node";

    private Indexes() {
    }

    public static Collection<String> serviceOf(Task task) {
        return task.spec().serviceName().isEmpty() ? List.of() : List.of(task.spec().serviceName());
    }

    public static Collection<String> nodeOf(Task task) {
        return task.spec().nodeId().isEmpty() ? List.of() : List.of(task.spec().nodeId());
    }
}
