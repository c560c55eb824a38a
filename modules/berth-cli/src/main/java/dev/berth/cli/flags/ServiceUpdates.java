package dev.berth.cli.flags;

import dev.berth.api.HealthCheck;
import dev.berth.api.PortConfig;
import dev.berth.api.Protocol;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.api.UpdateConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The flags of {@code berth service update}, and the pure function from them and the stored spec
 * to the new spec ({@link #applyTo}). Flags not given keep what is stored, as in
 * {@code docker service update}; the result is compared with the stored spec to tell "nothing
 * changed" from an update.
 *
 * @param image {@code --image}
 * @param replicas {@code --replicas}
 * @param envAdd {@code --env-add KEY=VALUE}, in order (a later one wins)
 * @param envRm {@code --env-rm KEY}
 * @param publishAdd {@code --publish-add}
 * @param publishRm {@code --publish-rm TARGET[/PROTO]}
 * @param update the {@code --update-*} flags
 * @param rollback the {@code --rollback-*} flags
 * @param health the {@code --health-*} flags
 * @param noHealthcheck {@code --no-healthcheck}: remove the health check
 * @param init {@code --init} (true) or {@code --no-init} (false)
 */
public record ServiceUpdates(Optional<String> image, Optional<Integer> replicas, List<String> envAdd,
        List<String> envRm, List<String> publishAdd, List<String> publishRm, UpdateConfigFlags update,
        UpdateConfigFlags rollback, HealthFlags health, boolean noHealthcheck, Optional<Boolean> init) {

    public ServiceUpdates {
        envAdd = List.copyOf(envAdd);
        envRm = List.copyOf(envRm);
        publishAdd = List.copyOf(publishAdd);
        publishRm = List.copyOf(publishRm);
    }

    /** No flag at all. */
    public static ServiceUpdates none() {
        return new ServiceUpdates(Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), List.of(),
                UpdateConfigFlags.none(UpdateConfigFlags.UPDATE), UpdateConfigFlags.none(UpdateConfigFlags.ROLLBACK),
                HealthFlags.NONE, false, Optional.empty());
    }

    /** Whether no flag that changes the spec was given. */
    public boolean isEmpty() {
        return image.isEmpty() && replicas.isEmpty() && envAdd.isEmpty() && envRm.isEmpty() && publishAdd.isEmpty()
                && publishRm.isEmpty() && update.isEmpty() && rollback.isEmpty() && health.equals(HealthFlags.NONE)
                && !noHealthcheck && init.isEmpty();
    }

    /**
     * The stored spec {@code old} with these flags' changes.
     *
     * @throws IllegalArgumentException naming the flag for a bad value
     */
    public ServiceSpec applyTo(ServiceSpec old) {
        if (image.isPresent() && image.get().isBlank()) {
            throw new IllegalArgumentException("--image must not be empty");
        }
        if (replicas.isPresent()) {
            if (replicas.get() < 0) {
                throw new IllegalArgumentException("--replicas: must be >= 0, got " + replicas.get());
            }
            if (old.mode() == ServiceMode.GLOBAL) {
                throw new IllegalArgumentException("--replicas can only be used with replicated mode");
            }
        }
        Map<String, String> env = new LinkedHashMap<>(old.env());
        for (String key : envRm) {
            env.remove(key.contains("=") ? key.substring(0, key.indexOf('=')) : key);
        }
        env.putAll(KeyValues.parse(envAdd, "--env-add"));
        List<PortConfig> ports = new ArrayList<>(old.ports());
        for (String rm : publishRm) {
            ports.removeIf(matcher(rm));
        }
        for (String add : publishAdd) {
            PortConfig p = parsePort(add);
            // a port published again replaces the old rule for the same published port
            ports.removeIf(o -> o.published() == p.published() && p.published() > 0 && o.protocol() == p.protocol());
            ports.add(p);
        }
        return new ServiceSpec(image.map(String::strip).orElse(old.image()), old.mode(),
                replicas.orElse(old.replicas()), old.command(), old.args(), env, ports, old.resources(),
                old.placement(), old.restartPolicy(), update.applyTo(old.update()), rollback.applyTo(old.rollback()),
                old.endpointMode(), old.stopSignal(), old.stopGracePeriod(), healthCheck(old.healthCheck()),
                init.orElse(old.init()), old.forceUpdate());
    }

    /**
     * Checks every value that can be checked without the stored spec, so that a bad flag is
     * refused before the manager is asked anything.
     *
     * @throws IllegalArgumentException naming the flag
     */
    public void validate() {
        update.validate();
        rollback.validate();
        if (noHealthcheck && !health.equals(HealthFlags.NONE)) {
            throw new IllegalArgumentException("--no-healthcheck conflicts with the --health-* flags");
        }
        // a spec with a probe, so that timings alone are accepted as for a service that has one
        ServiceSpec probe = new ServiceSpec("validate", null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, new HealthCheck(List.of("/bin/sh", "-c", "true"), null, null, null, null, null,
                        null), false);
        applyTo(probe);
    }

    /** {@code spec} with other update and rollback configs (for {@code service create}). */
    public static ServiceSpec withUpdateConfigs(ServiceSpec spec, UpdateConfig newUpdate, UpdateConfig newRollback) {
        return new ServiceSpec(spec.image(), spec.mode(), spec.replicas(), spec.command(), spec.args(), spec.env(),
                spec.ports(), spec.resources(), spec.placement(), spec.restartPolicy(), newUpdate, newRollback,
                spec.endpointMode(), spec.stopSignal(), spec.stopGracePeriod(), spec.healthCheck(), spec.init(),
                spec.forceUpdate());
    }

    /**
     * The new health check: none with {@code --no-healthcheck}; a new one when a probe flag is
     * given; the stored probe with new timings when only timings are given (docker's merge).
     */
    private HealthCheck healthCheck(HealthCheck old) {
        boolean anyHealthFlag = !health.equals(HealthFlags.NONE);
        if (noHealthcheck) {
            if (anyHealthFlag) {
                throw new IllegalArgumentException("--no-healthcheck conflicts with the --health-* flags");
            }
            return HealthCheck.NONE;
        }
        if (!anyHealthFlag) {
            return old;
        }
        boolean probeGiven = health.cmd().isPresent() || health.http().isPresent() || health.tcp().isPresent();
        if (!probeGiven && !old.isNone()) {
            // only timings: keep the stored probe; checked through HealthFlags with a stand-in probe
            HealthCheck timings = new HealthFlags(Optional.of("true"), Optional.empty(), Optional.empty(),
                    health.interval(), health.timeout(), health.retries(), health.startPeriod()).toHealthCheck()
                    .orElseThrow();
            return new HealthCheck(old.cmd(), old.httpGet(), old.tcp(),
                    pick(health.interval(), timings.interval(), old.interval()),
                    pick(health.timeout(), timings.timeout(), old.timeout()),
                    health.retries().isPresent() ? timings.retries() : old.retries(),
                    pick(health.startPeriod(), timings.startPeriod(), old.startPeriod()));
        }
        return health.toHealthCheck().orElse(HealthCheck.NONE);
    }

    private static Duration pick(Optional<String> given, Duration parsed, Duration old) {
        return given.isPresent() ? parsed : old;
    }

    private static PortConfig parsePort(String text) {
        try {
            return PortConfig.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--publish-add: " + e.getMessage(), e);
        }
    }

    /**
     * {@code --publish-rm 80}, {@code 80/udp} (the target port, as docker's) or a whole
     * {@code 8080:80[/udp]}: which stored ports it removes.
     */
    private static java.util.function.Predicate<PortConfig> matcher(String text) {
        String s = text.trim();
        Optional<Protocol> proto = Optional.empty();
        int slash = s.indexOf('/');
        if (slash >= 0) {
            String p = s.substring(slash + 1).toLowerCase(Locale.ROOT);
            proto = java.util.Arrays.stream(Protocol.values()).filter(v -> v.value().equals(p)).findFirst();
            if (proto.isEmpty()) {
                throw new IllegalArgumentException("--publish-rm \"" + text + "\": unknown protocol \"" + p + "\"");
            }
            s = s.substring(0, slash);
        }
        int published = -1;
        int colon = s.indexOf(':');
        try {
            if (colon >= 0) {
                published = Integer.parseInt(s.substring(0, colon));
                s = s.substring(colon + 1);
            }
            int target = Integer.parseInt(s);
            int pub = published;
            Optional<Protocol> pr = proto;
            return p -> p.target() == target && (pub < 0 || p.published() == pub)
                    && pr.map(x -> x == p.protocol()).orElse(true);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--publish-rm \"" + text
                    + "\": expected a target port, e.g. 80, 80/udp or 8080:80");
        }
    }
}
