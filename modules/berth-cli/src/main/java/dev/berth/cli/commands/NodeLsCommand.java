package dev.berth.cli.commands;

import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.client.ApiInfo;
import dev.berth.cli.output.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth node ls}: {@code ID HOSTNAME STATUS AVAILABILITY MANAGER STATUS ENGINE VERSION},
 * the leader shown as {@code Leader}, other managers as {@code Reachable}, and this server's node
 * with {@code *}, like docker; {@code -q} prints ids only, {@code -f} filters.
 */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true,
        description = "List nodes: ID HOSTNAME STATUS AVAILABILITY MANAGER STATUS ENGINE VERSION.")
public final class NodeLsCommand extends BerthCommand {

    @Option(names = {"-q", "--quiet"}, description = "Only display node ids.")
    private boolean quiet;

    @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE",
            description = "Filter (repeatable): role=manager|worker, availability=active|pause|drain, label=KEY[=VALUE],"
                    + " id=PREFIX, name=HOSTNAME-PREFIX.")
    private List<String> filters = new ArrayList<>();

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "This server's state directory, whose node id is marked * (default: the one berth init used).")
    private Path stateDir;

    @Override
    protected int run() {
        NodeFilter filter;
        try {
            filter = NodeFilter.parse(filters, NodeFilter.NODE_KEYS);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        List<Node> all = client().list(Kind.NODE, Optional.empty()).items();
        List<Node> nodes = all.stream().filter(filter::matches).toList();
        if (quiet) {
            nodes.stream().sorted(Comparator.comparing((Node n) -> n.status().hostname()).thenComparing(Node::id))
                    .forEach(n -> out().println(n.id()));
            return 0;
        }
        ApiInfo info = client().info();
        String current = NodeCommand.currentNodeId(NodeCommand.localNodeId(Optional.ofNullable(stateDir), env()),
                all, info.managerNodeId());
        out().print(Tables.nodeLs(nodes, info, current).render());
        return 0;
    }
}
