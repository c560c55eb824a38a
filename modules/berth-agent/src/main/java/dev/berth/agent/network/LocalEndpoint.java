package dev.berth.agent.network;

import dev.berth.api.PortConfig;
import dev.berth.api.PublishMode;
import dev.berth.api.Task;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A running task on this node that has published ports: where traffic for those ports goes.
 *
 * @param taskId the task id
 * @param serviceName the task's service
 * @param ports the service's ingress ports with a published port (published &gt; 0)
 * @param ip the container's IPv4 address on the Docker bridge
 */
public record LocalEndpoint(String taskId, String serviceName, List<PortConfig> ports, String ip) {

    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    public LocalEndpoint {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(serviceName, "serviceName");
        // Checked here because one bad address would make the whole iptables-restore fail.
        if (ip == null || !IPV4.matcher(ip).matches()) {
            throw new IllegalArgumentException("task " + taskId + ": container address must be IPv4, got " + ip);
        }
        ports = List.copyOf(ports);
    }

    /**
     * The endpoint of a running task whose container has the given address; empty when the
     * task publishes no ingress port or has no IPv4 address (then there is nothing to route to
     * it).
     * Host-mode ports are not routed here: they belong to the one task on the node (the
     * container's own port binding).
     */
    public static Optional<LocalEndpoint> of(Task task, String containerIp) {
        List<PortConfig> published = publishedPorts(task);
        if (published.isEmpty() || containerIp == null || !IPV4.matcher(containerIp).matches()) {
            return Optional.empty();
        }
        return Optional.of(new LocalEndpoint(task.id(), task.spec().serviceName(), published, containerIp));
    }

    /** The task's ingress ports that are published on the node. */
    public static List<PortConfig> publishedPorts(Task task) {
        return task.spec().template().ports().stream()
                .filter(p -> p.publishMode() == PublishMode.INGRESS && p.published() > 0)
                .toList();
    }
}
