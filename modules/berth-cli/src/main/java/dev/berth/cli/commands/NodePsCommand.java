package dev.berth.cli.commands;

import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.Task;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.output.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth node ps [NODE...]}: the tasks on nodes (this server's node by default), with
 * {@code service ps}'s columns and, as docker shows, their history too; {@code -f
 * desired-state=running} keeps only the ones meant to run.
 */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = {"List the tasks on nodes (default: this server's node), history included:",
            "ID NAME IMAGE NODE DESIRED STATE CURRENT STATE ERROR PORTS."})
public final class NodePsCommand extends BerthCommand {

    @Parameters(paramLabel = "NODE", arity = "0..*", description = "Node ids, id prefixes, hostnames or self.")
    private List<String> nodes = new ArrayList<>();

    @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE",
            description = "Filter (repeatable): desired-state=running|shutdown|accepted, id=PREFIX, name=NAME.")
    private List<String> filters = new ArrayList<>();

    @Option(names = {"-q", "--quiet"}, description = "Only display task ids.")
    private boolean quiet;

    @Option(names = "--no-trunc", description = "Do not truncate ids.")
    private boolean noTrunc;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "This server's state directory, for self.")
    private Path stateDir;

    @Override
    protected int run() {
        NodeFilter filter;
        try {
            filter = NodeFilter.parse(filters, NodeFilter.TASK_KEYS);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        List<Node> all = client().list(Kind.NODE, Optional.empty()).items();
        List<String> refs = nodes.isEmpty() ? List.of(NodeCommand.SELF) : nodes;
        Set<String> ids = new LinkedHashSet<>();
        for (String ref : refs) {
            if (ref.equals(NodeCommand.SELF)) {
                ids.add(NodeCommand.currentNodeId(NodeCommand.localNodeId(Optional.ofNullable(stateDir), env()), all,
                        client().info().managerNodeId()));
            } else {
                ids.add(NodeCommand.resolve(all, ref).id());
            }
        }
        List<Task> tasks = tasksOn(client().list(Kind.TASK, Optional.empty()).items(), ids, filter);
        if (quiet) {
            Tables.bySlot(tasks).forEach(slot -> slot.forEach(t -> out().println(noTrunc ? t.id() : Tables.shortId(t.id()))));
            return 0;
        }
        Map<String, String> hostnames = Tables.hostnames(all);
        out().print(Tables.nodePs(tasks, hostnames, now(), noTrunc).render());
        return 0;
    }

    /** The tasks placed on one of {@code nodeIds} that pass {@code filter}. Pure. */
    static List<Task> tasksOn(List<Task> tasks, Set<String> nodeIds, NodeFilter filter) {
        return tasks.stream().filter(t -> nodeIds.contains(t.spec().nodeId())).filter(filter::matches).toList();
    }
}
