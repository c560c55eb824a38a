package dev.berth.cli.commands;

import dev.berth.cli.BerthCommand;
import dev.berth.cli.flags.ServiceTarget;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code berth rollout undo service/NAME [--to-revision N]}: rolls the service back to the
 * revision before the current one, or to revision N, and follows the rollback unless
 * {@code --detach}. When the manager refuses (no such revision, no earlier revision) nothing
 * changed and the exit code is 1.
 */
@Command(name = "undo", mixinStandardHelpOptions = true,
        description = {"Roll a service back to its previous revision, or to --to-revision N.",
            "Shows the rollback's progress until it completes (exit 0) or pauses (exit 1), unless --detach."})
public final class RolloutUndoCommand extends BerthCommand {

    @Mixin
    private ServiceTarget target;

    @Option(names = "--to-revision", paramLabel = "N",
            description = "The revision to go back to (see rollout history). Default: the previous one.")
    private Long toRevision;

    @Option(names = {"-d", "--detach"}, description = "Return at once instead of showing the rollback's progress.")
    private boolean detach;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Stop waiting after this long (exit 1; the rollback goes on). Default: no limit.")
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
        if (toRevision != null && toRevision < 1) {
            throw usage("--to-revision: must be >= 1, got " + toRevision);
        }
        return new RolloutWatch(client(), out(), err(), RolloutWatch.stdoutIsTerminal())
                .rollback(name, Optional.ofNullable(toRevision), detach, limit);
    }
}
