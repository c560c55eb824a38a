package dev.berth.cli.commands;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code berth rollout}: kubectl's rollout commands for services ({@code service/NAME},
 * {@code svc/NAME} or {@code NAME}). Without a subcommand it prints its usage.
 */
@Command(name = "rollout", mixinStandardHelpOptions = true,
        description = {"Follow and manage a service's rolling updates, the kubectl way.",
            "SERVICE is service/NAME, svc/NAME or NAME."},
        subcommands = {
            RolloutStatusCommand.class,
            RolloutHistoryCommand.class,
            RolloutUndoCommand.class,
            RolloutRestartCommand.class,
            RolloutPauseCommand.class,
            RolloutResumeCommand.class
        })
public final class RolloutCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
