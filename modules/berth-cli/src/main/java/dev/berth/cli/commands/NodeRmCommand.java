package dev.berth.cli.commands;

import dev.berth.api.Node;
import dev.berth.cli.BerthCommand;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth node rm [--force] NODE...}: removes nodes from the cluster, as docker does: a node
 * that is up or still has tasks meant to run only with {@code --force}, a manager never. Each
 * node is handled on its own; the name is printed for each one removed.
 */
@Command(name = "rm", aliases = "remove", mixinStandardHelpOptions = true,
        description = {"Remove nodes from the cluster. A node must be down with no tasks meant to run (run berth leave",
            "on it first), unless --force. Managers cannot be removed."})
public final class NodeRmCommand extends BerthCommand {

    @Parameters(paramLabel = "NODE", arity = "1..*", description = "Node ids, id prefixes or hostnames.")
    private List<String> nodes;

    @Option(names = {"-f", "--force"}, description = "Remove a node that is up or still has tasks; they are replaced"
            + " elsewhere.")
    private boolean force;

    @Override
    protected int run() {
        return forEach(nodes, ref -> {
            Node node = NodeCommand.findNode(client(), ref);
            client().deleteNode(node.id(), force);
            out().println(ref);
        });
    }
}
