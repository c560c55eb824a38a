package dev.berth.agent.executor;

import dev.berth.api.Task;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels and the name Berth gives its containers, so that a restarted agent finds its own
 * containers (and only them) and a person reading {@code docker ps} sees what runs what.
 */
public final class ContainerLabels {

    /** Present (value {@code true}) on every container Berth manages. */
    public static final String MANAGED = "berth.managed";
    public static final String TASK_ID = "berth.task.id";
    public static final String SERVICE_NAME = "berth.service.name";
    public static final String SERVICE_ID = "berth.service.id";
    public static final String NODE_ID = "berth.node.id";
    public static final String SLOT = "berth.task.slot";

    private ContainerLabels() {
    }

    /** The labels of {@code task}'s container. */
    public static Map<String, String> of(Task task) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED, "true");
        labels.put(TASK_ID, task.id());
        labels.put(SERVICE_NAME, task.spec().serviceName());
        labels.put(SERVICE_ID, task.spec().serviceUid());
        labels.put(NODE_ID, task.spec().nodeId());
        labels.put(SLOT, Integer.toString(task.spec().slot()));
        return Map.copyOf(labels);
    }

    /**
     * Swarm's container name: {@code <service>.<slot>.<taskId>}, or for a global task
     * {@code <service>.<nodeId>.<taskId>}.
     */
    public static String containerName(Task task) {
        String middle = task.spec().slot() > 0 ? Integer.toString(task.spec().slot()) : task.spec().nodeId();
        return task.spec().serviceName() + "." + middle + "." + task.id();
    }
}
