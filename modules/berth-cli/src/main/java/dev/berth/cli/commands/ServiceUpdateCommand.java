package dev.berth.cli.commands;

import dev.berth.api.ServiceSpec;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.flags.HealthOptions;
import dev.berth.cli.flags.ServiceUpdates;
import dev.berth.cli.flags.UpdateOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth service update NAME}: Swarm's flags applied to the stored spec
 * ({@link ServiceUpdates}; {@code --force} raises {@code forceUpdate}), written back as a
 * compare-and-swap ({@link ServiceRewrite}), then the rollout followed as {@code rollout status} does unless {@code --detach}
 * or the change needs no rollout (replicas, rollout settings).
 */
@Command(name = "update", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Update a service, like docker service update: flags not given keep their value.",
            "A change of the task template (image, env, ports, health check...) starts a rolling update, shown"
                + " until it completes (exit 0), pauses or rolls back (exit 1), unless --detach.",
            "Health timing flags given alone (--health-interval ...) keep the stored probe."})
public final class ServiceUpdateCommand extends BerthCommand {

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service's name.")
    private String name;

    @Option(names = "--image", paramLabel = "IMAGE", description = "A new image, e.g. berth-examples/whoami:2.")
    private String image;

    @Option(names = "--replicas", paramLabel = "N", description = "A new number of tasks (no rollout: a scale).")
    private Integer replicas;

    @Option(names = "--env-add", paramLabel = "KEY=VALUE",
            description = "Add or change an environment variable. Repeatable.")
    private List<String> envAdd = new ArrayList<>();

    @Option(names = "--env-rm", paramLabel = "KEY", description = "Remove an environment variable. Repeatable.")
    private List<String> envRm = new ArrayList<>();

    @Option(names = "--publish-add", paramLabel = "PUB:TGT[/PROTO]",
            description = "Publish a port (replacing a rule for the same published port). Repeatable.")
    private List<String> publishAdd = new ArrayList<>();

    @Option(names = "--publish-rm", paramLabel = "TGT[/PROTO]",
            description = "Remove published ports by target port, e.g. 80 or 53/udp. Repeatable.")
    private List<String> publishRm = new ArrayList<>();

    @Mixin
    private HealthOptions healthOptions;

    @Mixin
    private UpdateOptions rolloutOptions;

    @Option(names = "--no-healthcheck", description = "Remove the health check.")
    private boolean noHealthcheck;

    @Option(names = "--init", negatable = true,
            description = "Run (--init) or stop running (--no-init) an init process as the containers' PID 1.")
    private Boolean init;

    @Option(names = "--force", description = "Replace every task by a rollout even if nothing else changed"
            + " (e.g. to pick up a rebuilt image of the same tag).")
    private boolean force;

    @Option(names = "--rollback", description = "Roll back to the previous revision instead (as service rollback).")
    private boolean rollback;

    @Option(names = {"-d", "--detach"}, description = "Return at once instead of showing the rollout's progress.")
    private boolean detach;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Stop waiting for the rollout after this long (exit 1; it goes on). Default: no limit.")
    private String timeout;

    /** The flags as parsed (checked, but not yet applied to a spec). */
    ServiceUpdates updates() {
        ServiceUpdates u = new ServiceUpdates(Optional.ofNullable(image), Optional.ofNullable(replicas), envAdd, envRm,
                publishAdd, publishRm, rolloutOptions.update(), rolloutOptions.rollback(),
                healthOptions.flags(), noHealthcheck, Optional.ofNullable(init));
        try {
            u.validate();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        return u;
    }

    @Override
    protected int run() {
        Optional<Duration> limit;
        try {
            limit = RolloutWatch.timeout(timeout);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        ServiceUpdates updates = updates();
        RolloutWatch watch = new RolloutWatch(client(), out(), err(), RolloutWatch.stdoutIsTerminal());
        if (rollback) {
            if (!updates.isEmpty() || force) {
                throw usage("--rollback cannot be combined with flags that change the spec");
            }
            return watch.rollback(name, Optional.empty(), detach, limit);
        }
        try {
            return new ServiceRewrite(client(), out(), watch).apply(name, old -> {
                ServiceSpec next = updates.applyTo(old);
                return force ? next.forcedUpdate() : next;
            }, detach, limit);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }
}
