package dev.berth.cli.commands;

import dev.berth.cli.BerthCommand;
import dev.berth.cli.flags.ServiceTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code berth rollout resume service/NAME}: resumes a paused rollout (or rollback) where it stopped. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resume the service's paused rollout or rollback where it stopped"
                + " (an error when none is paused).")
public final class RolloutResumeCommand extends BerthCommand {

    @Mixin
    private ServiceTarget target;

    @Override
    protected int run() {
        String name = target.name();
        client().resume(name);
        out().println("service \"" + name + "\" resumed");
        return 0;
    }
}
