package dev.berth.cli.commands;

import dev.berth.cli.BerthCommand;
import dev.berth.cli.flags.ServiceTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code berth rollout pause service/NAME}: pauses the running rollout; tasks not yet replaced stay as they are. */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = "Pause the service's rollout: tasks not yet replaced stay as they are"
                + " (an error when none is running).")
public final class RolloutPauseCommand extends BerthCommand {

    @Mixin
    private ServiceTarget target;

    @Override
    protected int run() {
        String name = target.name();
        client().pause(name);
        out().println("service \"" + name + "\" paused");
        return 0;
    }
}
