package dev.berth.cli.commands;

import dev.berth.cli.BerthCommand;
import dev.berth.cli.flags.ServiceRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth rollout pause service/NAME}: pauses the running rollout; tasks not yet replaced stay as they are. */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = "Pause the service's rollout: tasks not yet replaced stay as they are"
                + " (an error when none is running).")
public final class RolloutPauseCommand extends BerthCommand {

    @Parameters(index = "0", paramLabel = "SERVICE", description = "service/NAME, svc/NAME or NAME.")
    private String target;

    @Override
    protected int run() {
        String name;
        try {
            name = ServiceRef.parse(target);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        client().pause(name);
        out().println("service \"" + name + "\" paused");
        return 0;
    }
}
