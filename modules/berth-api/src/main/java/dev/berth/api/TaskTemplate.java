package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The part of a service's spec that shapes each of its tasks: what runs, with which resources,
 * where. Every task keeps a copy, so a controller can tell an up-to-date task from an old one by
 * comparing templates.
 *
 * @param image the container image, e.g. {@code berth-examples/whoami:1}
 * @param command replaces the image's entrypoint when not empty
 * @param args replaces the image's command when not empty
 * @param env environment variables
 * @param ports the service's ports (the scheduler keeps host-mode ports apart)
 * @param resources reservations and limits
 * @param placement constraints, preferences and the per-node maximum
 * @param restartPolicy when a stopped task is replaced
 * @param stopSignal the signal that asks the container to stop
 * @param stopGracePeriod how long to wait after the stop signal before killing
 * @param healthCheck how the task tells started from ready; {@link HealthCheck#NONE} for none
 * @param init whether the container runs an init process as PID 1 (Docker's {@code --init}),
 *     which forwards signals and reaps zombies, so that a program ignoring SIGTERM as PID 1
 *     still stops at once
 * @param forceUpdate the service's {@link ServiceSpec#forceUpdate()} counter: the agent ignores
 *     it, but a raised one makes every task outdated, so a rollout replaces them all
 */
public record TaskTemplate(
        String image,
        List<String> command,
        List<String> args,
        Map<String, String> env,
        List<PortConfig> ports,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Resources.OmitEmpty.class)
        Resources resources,
        Placement placement,
        RestartPolicy restartPolicy,
        String stopSignal,
        Duration stopGracePeriod,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = HealthCheck.OmitNone.class)
        HealthCheck healthCheck,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        boolean init,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        long forceUpdate) {

    public TaskTemplate {
        image = image == null ? "" : image;
        command = command == null ? List.of() : List.copyOf(command);
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(env));
        ports = ports == null ? List.of() : List.copyOf(ports);
        resources = resources == null ? Resources.NONE : resources;
        placement = placement == null ? Placement.NONE : placement;
        restartPolicy = restartPolicy == null ? RestartPolicy.DEFAULT : restartPolicy;
        stopSignal = stopSignal == null ? "SIGTERM" : stopSignal;
        stopGracePeriod = stopGracePeriod == null ? Duration.ofSeconds(10) : stopGracePeriod;
        healthCheck = healthCheck == null ? HealthCheck.NONE : healthCheck;
    }

    /** A template never forced to update. */
    public TaskTemplate(String image, List<String> command, List<String> args, Map<String, String> env,
            List<PortConfig> ports, Resources resources, Placement placement, RestartPolicy restartPolicy,
            String stopSignal, Duration stopGracePeriod, HealthCheck healthCheck, boolean init) {
        this(image, command, args, env, ports, resources, placement, restartPolicy, stopSignal, stopGracePeriod,
                healthCheck, init, 0);
    }

    /** A template with no health check and no init process. */
    public TaskTemplate(String image, List<String> command, List<String> args, Map<String, String> env,
            List<PortConfig> ports, Resources resources, Placement placement, RestartPolicy restartPolicy,
            String stopSignal, Duration stopGracePeriod) {
        this(image, command, args, env, ports, resources, placement, restartPolicy, stopSignal, stopGracePeriod,
                HealthCheck.NONE, false);
    }
}
