package dev.berth.agent.executor;

import dev.berth.api.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    /**
     * The address and prefix ({@code 10.42.3.7/24}) of a container the agent links to the
     * cluster network itself: the engine does not know it.
     */
    public static final String NETWORK_ADDRESS = "berth.network.address";
    /** The default gateway of such a container. */
    public static final String NETWORK_GATEWAY = "berth.network.gateway";
    /** The node bridge such a container is linked to. */
    public static final String NETWORK_BRIDGE = "berth.network.bridge";

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
     * The labels of {@code task}'s container when the agent links it to the cluster network at
     * {@code network}: a restarted agent finds its address, and can complete a half-made link.
     */
    public static Map<String, String> of(Task task, NetworkAttachment network) {
        Map<String, String> labels = new LinkedHashMap<>(of(task));
        labels.put(NETWORK_ADDRESS, network.cidr());
        labels.put(NETWORK_GATEWAY, network.gateway());
        labels.put(NETWORK_BRIDGE, network.bridge());
        return Map.copyOf(labels);
    }

    /** The cluster-network address in {@code labels} (without its prefix), or empty. */
    public static String address(Map<String, String> labels) {
        String cidr = labels.getOrDefault(NETWORK_ADDRESS, "");
        int slash = cidr.indexOf('/');
        return slash < 0 ? cidr : cidr.substring(0, slash);
    }

    /**
     * Where a container the agent links itself joins the cluster network, read back from its
     * labels; empty for other containers (or labels that do not parse).
     */
    public static Optional<NetworkAttachment> attachment(Map<String, String> labels) {
        String cidr = labels.getOrDefault(NETWORK_ADDRESS, "");
        String gateway = labels.getOrDefault(NETWORK_GATEWAY, "");
        String bridge = labels.getOrDefault(NETWORK_BRIDGE, "");
        int slash = cidr.indexOf('/');
        if (slash < 0 || gateway.isEmpty() || bridge.isEmpty()) {
            return Optional.empty();
        }
        try {
            int prefix = Integer.parseInt(cidr.substring(slash + 1));
            return Optional.of(new NetworkAttachment("", bridge, cidr.substring(0, slash), prefix, gateway,
                    List.of()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
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
