package dev.berth.cli.commands;

import dev.berth.api.ByteSize;
import dev.berth.api.HealthCheck;
import dev.berth.api.PortConfig;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.flags.Converters;
import dev.berth.cli.flags.HealthOptions;
import dev.berth.cli.flags.KeyValues;
import dev.berth.cli.flags.ServiceFlags;
import dev.berth.cli.flags.ServiceUpdates;
import dev.berth.cli.flags.UpdateOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth service create}: Swarm's flags, turned into exactly the {@link Service} that
 * {@code apply -f} of the equivalent YAML stores, and created with one POST.
 */
@Command(name = "create", mixinStandardHelpOptions = true, modelTransformer = ServiceCreateCommand.StopAtImage.class,
        description = {"Create a service from flags, like docker service create.",
            "The stored object is exactly what apply -f of the equivalent YAML stores."})
public final class ServiceCreateCommand extends BerthCommand {

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "The service's name (a DNS label).")
    private String name;

    @Option(names = {"-p", "--publish"}, paramLabel = "PUB:TGT[/PROTO]", converter = Converters.Port.class,
            description = "Publish a port, e.g. 8080:80 or 53:53/udp. Repeatable.")
    private List<PortConfig> ports = new ArrayList<>();

    @Option(names = "--replicas", paramLabel = "N", description = "Number of tasks (replicated mode; default 1).")
    private Integer replicas;

    @Option(names = "--mode", paramLabel = "MODE", converter = Converters.Mode.class,
            description = "replicated (default) or global.")
    private ServiceMode mode;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable. Repeatable.")
    private List<String> env = new ArrayList<>();

    @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "Set a service label. Repeatable.")
    private List<String> labels = new ArrayList<>();

    @Option(names = "--constraint", paramLabel = "EXPR",
            description = "Placement constraint, e.g. 'node.labels.zone == a'. Repeatable.")
    private List<String> constraints = new ArrayList<>();

    @Option(names = "--reserve-cpu", paramLabel = "N", description = "CPUs reserved per task, e.g. 0.5.")
    private Double reserveCpu;

    @Option(names = "--reserve-memory", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Memory reserved per task, e.g. 64Mi.")
    private ByteSize reserveMemory;

    @Option(names = "--limit-cpu", paramLabel = "N", description = "CPU limit per task.")
    private Double limitCpu;

    @Option(names = "--limit-memory", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Memory limit per task, e.g. 128Mi.")
    private ByteSize limitMemory;

    @Option(names = "--max-replicas-per-node", paramLabel = "N", description = "At most N tasks of this service per node.")
    private Integer maxReplicasPerNode;

    @Option(names = "--placement-pref", paramLabel = "PREF",
            description = "Placement preference, e.g. spread=node.labels.zone. Repeatable.")
    private List<String> placementPrefs = new ArrayList<>();

    @Option(names = "--init", description = "Run an init process as PID 1 that forwards signals and reaps processes.")
    private boolean init;

    @Mixin
    private HealthOptions healthOptions;

    @Mixin
    private UpdateOptions rolloutOptions;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The container image.")
    private String image;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "The command and its arguments (the spec's args).")
    private List<String> args = new ArrayList<>();

    /**
     * Everything after the image belongs to the container's command, options included
     * ({@code sh -c ...}), as in docker; set on the model so that it holds however the
     * {@link picocli.CommandLine} is built.
     */
    static final class StopAtImage implements picocli.CommandLine.IModelTransformer {
        @Override
        public picocli.CommandLine.Model.CommandSpec transform(picocli.CommandLine.Model.CommandSpec spec) {
            spec.parser().stopAtPositional(true);
            return spec;
        }
    }

    /** The flags as parsed, for {@link ServiceFlags#toService()}. */
    ServiceFlags flags() {
        Map<String, String> envMap;
        Map<String, String> labelMap;
        Optional<HealthCheck> healthCheck;
        try {
            healthCheck = healthOptions.flags().toHealthCheck();
            envMap = KeyValues.parse(env, "--env");
            labelMap = KeyValues.parse(labels, "--label");
            for (String p : placementPrefs) {
                ServiceFlags.parsePreference(p);
            }
            rolloutOptions.update().validate();
            rolloutOptions.rollback().validate();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        return new ServiceFlags(name, image, args, Optional.ofNullable(mode), Optional.ofNullable(replicas), ports,
                envMap, labelMap, constraints, Optional.ofNullable(reserveCpu), Optional.ofNullable(reserveMemory),
                Optional.ofNullable(limitCpu), Optional.ofNullable(limitMemory), Optional.ofNullable(maxReplicasPerNode),
                placementPrefs, healthCheck, init);
    }

    /**
     * The service to create: {@link ServiceFlags#toService()} with the {@code --update-*} and
     * {@code --rollback-*} flags laid over Swarm's defaults (unchanged when none is given, so the
     * object still equals the YAML without those fields).
     */
    Service service() {
        ServiceFlags flags = flags();
        Service service = flags.toService();
        ServiceSpec spec = service.spec();
        try {
            return service.withSpec(ServiceUpdates.withUpdateConfigs(spec,
                    rolloutOptions.update().applyTo(spec.update()),
                    rolloutOptions.rollback().applyTo(spec.rollback())));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    @Override
    protected int run() {
        Service created = client().create(service());
        out().println("service/" + created.name() + " created");
        return 0;
    }
}
