package dev.berth.cli.commands;

import dev.berth.api.Kind;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.output.Tables;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * {@code berth node ls}: {@code ID HOSTNAME STATUS AVAILABILITY MANAGER STATUS}, the leader shown
 * as {@code Leader} and the answering manager's node with {@code *}, like docker.
 */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true,
        description = "List nodes: ID HOSTNAME STATUS AVAILABILITY MANAGER STATUS.")
public final class NodeLsCommand extends BerthCommand {

    @Override
    protected int run() {
        var info = client().info();
        out().print(Tables.nodeLs(client().list(Kind.NODE, Optional.empty()).items(), info).render());
        return 0;
    }
}
