package dev.berth.cli.commands;

import dev.berth.api.ServiceSpec;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.flags.ServiceTarget;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code berth rollout restart service/NAME}: Kubernetes' restart, Swarm's
 * {@code service update --force}: raises the service's {@code forceUpdate}, a new revision whose
 * rollout replaces every task by the service's update config, then follows it.
 */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"Replace every task of a service by a rollout, with nothing else changed"
                + " (as service update --force).",
            "Exit 0 when complete; 1 when paused or rolled back, or on --timeout."})
public final class RolloutRestartCommand extends BerthCommand {

    @Mixin
    private ServiceTarget target;

    @Option(names = {"-d", "--detach"}, description = "Return at once instead of showing the rollout's progress.")
    private boolean detach;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Stop waiting after this long (exit 1; the rollout goes on). Default: no limit.")
    private String timeout;

    @Override
    protected int run() {
        String name = target.name();
        Optional<Duration> limit;
        try {
            limit = RolloutWatch.timeout(timeout);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        RolloutWatch watch = new RolloutWatch(client(), out(), err(), RolloutWatch.stdoutIsTerminal());
        return new ServiceRewrite(client(), out(), watch).apply(name, ServiceSpec::forcedUpdate, detach, limit);
    }
}
