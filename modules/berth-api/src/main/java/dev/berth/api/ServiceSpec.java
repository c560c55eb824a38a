package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a user declares for a service (DESIGN §3). Absent fields take Swarm's defaults when the
 * spec is read, so a stored spec is always complete and {@code service create} stores exactly
 * what {@code apply -f} of the same YAML stores.
 *
 * @param image the container image
 * @param mode replicated (default) or global
 * @param replicas desired number of tasks; default 1 for replicated services, 0 (unused) for
 *     global ones
 * @param command replaces the image's entrypoint when not empty
 * @param args replaces the image's command when not empty
 * @param env environment variables
 * @param ports ports to publish
 * @param resources reservations and limits per task
 * @param placement where tasks may run
 * @param restartPolicy when stopped tasks are replaced
 * @param update how a changed spec is rolled out
 * @param rollback how a rollback is rolled out
 * @param endpointMode vip (default) or dnsrr
 * @param stopSignal the signal that asks a container to stop (default SIGTERM)
 * @param stopGracePeriod time between the stop signal and a kill (default 10s)
 * @param healthCheck how a task tells started from ready (default: none)
 * @param init run an init process as the containers' PID 1 (default false)
 * @param forceUpdate a counter that is part of the task template, so that raising it replaces
 *     every task by a rollout although nothing else changed (Swarm's {@code service update
 *     --force}, Kubernetes' {@code rollout restart}); default 0
 */
public record ServiceSpec(
        String image,
        ServiceMode mode,
        Integer replicas,
        List<String> command,
        List<String> args,
        Map<String, String> env,
        List<PortConfig> ports,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Resources.OmitEmpty.class)
        Resources resources,
        Placement placement,
        RestartPolicy restartPolicy,
        UpdateConfig update,
        UpdateConfig rollback,
        EndpointMode endpointMode,
        String stopSignal,
        Duration stopGracePeriod,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = HealthCheck.OmitNone.class)
        HealthCheck healthCheck,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        boolean init,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        long forceUpdate) {

    public ServiceSpec {
        image = image == null ? "" : image;
        mode = mode == null ? ServiceMode.REPLICATED : mode;
        replicas = replicas != null ? replicas : mode == ServiceMode.GLOBAL ? 0 : 1;
        command = command == null ? List.of() : List.copyOf(command);
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(env));
        ports = ports == null ? List.of() : List.copyOf(ports);
        resources = resources == null ? Resources.NONE : resources;
        placement = placement == null ? Placement.NONE : placement;
        restartPolicy = restartPolicy == null ? RestartPolicy.DEFAULT : restartPolicy;
        update = update == null ? UpdateConfig.DEFAULT : update;
        rollback = rollback == null ? UpdateConfig.DEFAULT : rollback;
        endpointMode = endpointMode == null ? EndpointMode.VIP : endpointMode;
        stopSignal = stopSignal == null ? "SIGTERM" : stopSignal;
        stopGracePeriod = stopGracePeriod == null ? Duration.ofSeconds(10) : stopGracePeriod;
        healthCheck = healthCheck == null ? HealthCheck.NONE : healthCheck;
    }

    /** A spec that was never forced to update. */
    public ServiceSpec(String image, ServiceMode mode, Integer replicas, List<String> command, List<String> args,
            Map<String, String> env, List<PortConfig> ports, Resources resources, Placement placement,
            RestartPolicy restartPolicy, UpdateConfig update, UpdateConfig rollback, EndpointMode endpointMode,
            String stopSignal, Duration stopGracePeriod, HealthCheck healthCheck, boolean init) {
        this(image, mode, replicas, command, args, env, ports, resources, placement, restartPolicy, update, rollback,
                endpointMode, stopSignal, stopGracePeriod, healthCheck, init, 0);
    }

    /** A spec with no health check and no init process. */
    public ServiceSpec(String image, ServiceMode mode, Integer replicas, List<String> command, List<String> args,
            Map<String, String> env, List<PortConfig> ports, Resources resources, Placement placement,
            RestartPolicy restartPolicy, UpdateConfig update, UpdateConfig rollback, EndpointMode endpointMode,
            String stopSignal, Duration stopGracePeriod) {
        this(image, mode, replicas, command, args, env, ports, resources, placement, restartPolicy, update,
                rollback, endpointMode, stopSignal, stopGracePeriod, HealthCheck.NONE, false);
    }

    /** A replicated spec of {@code image} with every other field at its default. */
    public static ServiceSpec ofImage(String image) {
        return new ServiceSpec(image, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    /** The same spec with another replica count. */
    public ServiceSpec withReplicas(int newReplicas) {
        return new ServiceSpec(image, mode, newReplicas, command, args, env, ports, resources, placement,
                restartPolicy, update, rollback, endpointMode, stopSignal, stopGracePeriod, healthCheck, init,
                forceUpdate);
    }

    /** The same spec with other placement rules. */
    public ServiceSpec withPlacement(Placement newPlacement) {
        return new ServiceSpec(image, mode, replicas, command, args, env, ports, resources, newPlacement,
                restartPolicy, update, rollback, endpointMode, stopSignal, stopGracePeriod, healthCheck, init,
                forceUpdate);
    }

    /** The same spec forced to update once more: every task is replaced by a rollout. */
    public ServiceSpec forcedUpdate() {
        return withForceUpdate(forceUpdate + 1);
    }

    /** The same spec with another {@link #forceUpdate()} counter. */
    public ServiceSpec withForceUpdate(long newForceUpdate) {
        return new ServiceSpec(image, mode, replicas, command, args, env, ports, resources, placement,
                restartPolicy, update, rollback, endpointMode, stopSignal, stopGracePeriod, healthCheck, init,
                newForceUpdate);
    }

    /** The per-task part of this spec, copied into every task. */
    public TaskTemplate taskTemplate() {
        return new TaskTemplate(image, command, args, env, ports, resources, placement, restartPolicy,
                stopSignal, stopGracePeriod, healthCheck, init, forceUpdate);
    }
}
