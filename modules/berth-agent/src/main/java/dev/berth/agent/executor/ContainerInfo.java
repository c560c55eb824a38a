package dev.berth.agent.executor;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A container as the engine describes it.
 *
 * @param id the full container id
 * @param name its name without Docker's leading slash ({@code web.1.abc})
 * @param labels its labels (the task, service and node ids among them)
 * @param running whether its process runs now
 * @param exitCode the exit code of its last run; meaningful only when it is not running and has run
 * @param ipAddress its address on its network; empty when it has none (not running)
 * @param startedAt when its process last started, when known (an inspect tells, a listing does not)
 * @param health the engine's health of its Docker health check ({@code starting}, {@code healthy},
 *     {@code unhealthy}); empty without one, or when not known (a listing does not tell)
 */
public record ContainerInfo(String id, String name, Map<String, String> labels, boolean running, int exitCode,
        String ipAddress, Optional<Instant> startedAt, String health) {

    public ContainerInfo {
        name = name == null ? "" : name;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        ipAddress = ipAddress == null ? "" : ipAddress;
        startedAt = startedAt == null ? Optional.empty() : startedAt;
        health = health == null ? "" : health;
    }

    /** A container without a known health. */
    public ContainerInfo(String id, String name, Map<String, String> labels, boolean running, int exitCode,
            String ipAddress, Optional<Instant> startedAt) {
        this(id, name, labels, running, exitCode, ipAddress, startedAt, "");
    }

    /** A container whose start time is not known. */
    public ContainerInfo(String id, String name, Map<String, String> labels, boolean running, int exitCode,
            String ipAddress) {
        this(id, name, labels, running, exitCode, ipAddress, Optional.empty(), "");
    }

    /** The task id from the {@link ContainerLabels#TASK_ID} label, or empty. */
    public String taskId() {
        return labels.getOrDefault(ContainerLabels.TASK_ID, "");
    }
}
