package dev.berth.cli.commands;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code berth service}: Swarm's service commands. Without a subcommand it prints its usage. */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = "Manage services the Swarm way (create, ls, ps, inspect, update, rollback, scale, rm).",
        subcommands = {
            ServiceCreateCommand.class,
            ServiceLsCommand.class,
            ServicePsCommand.class,
            ServiceInspectCommand.class,
            ServiceUpdateCommand.class,
            ServiceRollbackCommand.class,
            ServiceScaleCommand.class,
            ServiceRmCommand.class
        })
public final class ServiceCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
