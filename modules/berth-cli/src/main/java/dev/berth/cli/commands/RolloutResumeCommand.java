package dev.berth.cli.commands;

import dev.berth.cli.BerthCommand;
import dev.berth.cli.flags.ServiceRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth rollout resume service/NAME}: resumes a paused rollout (or rollback) where it stopped. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Resume the service's paused rollout or rollback where it stopped"
                + " (an error when none is paused).")
public final class RolloutResumeCommand extends BerthCommand {

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
        client().resume(name);
        out().println("service \"" + name + "\" resumed");
        return 0;
    }
}
