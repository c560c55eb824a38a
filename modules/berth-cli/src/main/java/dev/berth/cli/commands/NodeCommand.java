package dev.berth.cli.commands;

import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.cli.client.ApiClient;
import dev.berth.cli.client.ApiException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code berth node}: Swarm's node commands. Without a subcommand it prints its usage. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Manage the cluster's nodes (ls, inspect).",
        subcommands = {NodeLsCommand.class, NodeInspectCommand.class})
public final class NodeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /**
     * The node whose id or hostname is {@code idOrHostname} (an id wins; a hostname must be
     * unique).
     *
     * @throws ApiException 404 when no node matches
     */
    static Node findNode(ApiClient client, String idOrHostname) {
        Optional<Node> byId = client.find(Kind.NODE, idOrHostname);
        if (byId.isPresent()) {
            return byId.get();
        }
        List<Node> matches = client.list(Kind.NODE, Optional.empty()).items().stream()
                .filter(n -> n.status().hostname().equals(idOrHostname) || n.id().startsWith(idOrHostname))
                .toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw new ApiException(404, "NotFound", "no node with id or hostname \"" + idOrHostname + "\"", "");
        }
        throw new ApiException(400, "Ambiguous", "\"" + idOrHostname + "\" matches " + matches.size()
                + " nodes: use the node id", "");
    }
}
