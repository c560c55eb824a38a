package dev.berth.cli.flags;

import dev.berth.api.ByteSize;
import dev.berth.api.HealthCheck;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Placement;
import dev.berth.api.PlacementPreference;
import dev.berth.api.PortConfig;
import dev.berth.api.ResourceList;
import dev.berth.api.Resources;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The flags of {@code berth service create}, and the one function that turns them into the
 * {@link Service} that {@code apply -f} of the equivalent YAML would store. Unset flags are left
 * unset ({@code null}) so the records fill in the same defaults as for an absent YAML field.
 *
 * @param name {@code --name}
 * @param image the image
 * @param args the command after the image (the spec's {@code args}, like docker's CMD)
 * @param mode {@code --mode}
 * @param replicas {@code --replicas}
 * @param ports {@code -p}
 * @param env {@code -e}
 * @param labels {@code --label}
 * @param constraints {@code --constraint}
 * @param reserveCpu {@code --reserve-cpu}
 * @param reserveMemory {@code --reserve-memory}
 * @param limitCpu {@code --limit-cpu}
 * @param limitMemory {@code --limit-memory}
 * @param maxReplicasPerNode {@code --max-replicas-per-node}
 * @param placementPrefs {@code --placement-pref}, e.g. {@code spread=node.labels.zone}
 * @param healthCheck {@code --health-*} ({@link HealthFlags#toHealthCheck()}); empty for none
 * @param init {@code --init}
 */
public record ServiceFlags(
        String name,
        String image,
        List<String> args,
        Optional<ServiceMode> mode,
        Optional<Integer> replicas,
        List<PortConfig> ports,
        Map<String, String> env,
        Map<String, String> labels,
        List<String> constraints,
        Optional<Double> reserveCpu,
        Optional<ByteSize> reserveMemory,
        Optional<Double> limitCpu,
        Optional<ByteSize> limitMemory,
        Optional<Integer> maxReplicasPerNode,
        List<String> placementPrefs,
        Optional<HealthCheck> healthCheck,
        boolean init) {

    private static final String SPREAD = "spread=";

    /** Flags without a health check and without {@code --init}. */
    public ServiceFlags(String name, String image, List<String> args, Optional<ServiceMode> mode,
            Optional<Integer> replicas, List<PortConfig> ports, Map<String, String> env, Map<String, String> labels,
            List<String> constraints, Optional<Double> reserveCpu, Optional<ByteSize> reserveMemory,
            Optional<Double> limitCpu, Optional<ByteSize> limitMemory, Optional<Integer> maxReplicasPerNode,
            List<String> placementPrefs) {
        this(name, image, args, mode, replicas, ports, env, labels, constraints, reserveCpu, reserveMemory, limitCpu,
                limitMemory, maxReplicasPerNode, placementPrefs, Optional.empty(), false);
    }

    public ServiceFlags {
        args = List.copyOf(args);
        ports = List.copyOf(ports);
        env = Map.copyOf(env);
        labels = Map.copyOf(labels);
        constraints = List.copyOf(constraints);
        placementPrefs = List.copyOf(placementPrefs);
    }

    /**
     * The service these flags declare.
     *
     * @throws IllegalArgumentException for a placement preference that is not {@code spread=...}
     */
    public Service toService() {
        ServiceSpec spec = new ServiceSpec(
                image,
                mode.orElse(null),
                replicas.orElse(null),
                null,
                args.isEmpty() ? null : args,
                env.isEmpty() ? null : env,
                ports.isEmpty() ? null : ports,
                resources(),
                placement(),
                null, null, null, null, null, null,
                healthCheck.orElse(null),
                init);
        return Service.of(ObjectMeta.named(name).withLabels(labels), spec);
    }

    private Resources resources() {
        ResourceList reservations = reserveCpu.isEmpty() && reserveMemory.isEmpty() ? null
                : new ResourceList(reserveCpu.orElse(0.0), reserveMemory.orElse(null));
        ResourceList limits = limitCpu.isEmpty() && limitMemory.isEmpty() ? null
                : new ResourceList(limitCpu.orElse(0.0), limitMemory.orElse(null));
        return reservations == null && limits == null ? null : new Resources(reservations, limits);
    }

    private Placement placement() {
        if (constraints.isEmpty() && maxReplicasPerNode.isEmpty() && placementPrefs.isEmpty()) {
            return null;
        }
        List<PlacementPreference> prefs = new ArrayList<>();
        for (String p : placementPrefs) {
            prefs.add(parsePreference(p));
        }
        return new Placement(constraints.isEmpty() ? null : constraints, maxReplicasPerNode.orElse(0),
                prefs.isEmpty() ? null : prefs);
    }

    /** {@code spread=node.labels.zone} to its preference. */
    public static PlacementPreference parsePreference(String text) {
        if (!text.startsWith(SPREAD) || text.length() == SPREAD.length()) {
            throw new IllegalArgumentException("--placement-pref \"" + text
                    + "\": expected spread=node.labels.<key>, e.g. spread=node.labels.zone");
        }
        return new PlacementPreference(text.substring(SPREAD.length()));
    }
}
