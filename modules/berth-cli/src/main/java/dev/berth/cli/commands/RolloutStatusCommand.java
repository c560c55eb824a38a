package dev.berth.cli.commands;

import dev.berth.api.Kind;
import dev.berth.api.Service;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.flags.ServiceTarget;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code berth rollout status service/NAME}: follows the service's current rollout until it
 * completes (exit 0), pauses or rolls back (exit 1), or {@code --timeout} passes (exit 1).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show a service's rollout until it ends: n of m tasks updated.",
            "Exit 0 when complete; 1 when paused, rolling or rolled back, or on --timeout."})
public final class RolloutStatusCommand extends BerthCommand {

    @Mixin
    private ServiceTarget target;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Stop waiting after this long (exit 1), e.g. 5m. Default: no limit.")
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
        Service s = client().get(Kind.SERVICE, name);
        return new RolloutWatch(client(), out(), err(), RolloutWatch.stdoutIsTerminal()).follow(s, false, limit);
    }
}
