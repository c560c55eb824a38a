package dev.berth.cli.commands;

import dev.berth.cli.BerthCommand;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth service rollback NAME}: Swarm's rollback to the revision before the current one
 * (the same as {@code rollout undo}), followed until the tasks are back unless {@code --detach}.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Roll a service back to its previous revision, like docker service rollback.",
            "Shows the rollback's progress until it completes (exit 0) or pauses (exit 1), unless --detach."})
public final class ServiceRollbackCommand extends BerthCommand {

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service's name.")
    private String name;

    @Option(names = {"-d", "--detach"}, description = "Return at once instead of showing the rollback's progress.")
    private boolean detach;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Stop waiting after this long (exit 1; the rollback goes on). Default: no limit.")
    private String timeout;

    @Override
    protected int run() {
        Optional<Duration> limit;
        try {
            limit = RolloutWatch.timeout(timeout);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        return new RolloutWatch(client(), out(), err(), RolloutWatch.stdoutIsTerminal())
                .rollback(name, Optional.empty(), detach, limit);
    }
}
