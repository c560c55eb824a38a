package dev.berth.cli.commands;

import dev.berth.api.Kind;
import dev.berth.cli.BerthCommand;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth service rm NAME...}: deletes services, printing each name like docker. */
@Command(name = "rm", aliases = "remove", mixinStandardHelpOptions = true, description = "Remove services.")
public final class ServiceRmCommand extends BerthCommand {

    @Parameters(paramLabel = "SERVICE", arity = "1..*", description = "Service names.")
    private List<String> names;

    @Override
    protected int run() {
        return forEach(names, name -> {
            client().delete(Kind.SERVICE, name);
            out().println(name);
        });
    }
}
