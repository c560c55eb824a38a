package dev.berth.cli.commands;

import dev.berth.api.Node;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.output.Describe;
import dev.berth.cli.output.OutputFormat;
import dev.berth.cli.output.Printers;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth node inspect NODE...}: the stored node as YAML (or JSON), or with {@code --pretty}
 * docker's human view. {@code self} is this server's node.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show nodes as stored, in YAML or JSON, or for a person with --pretty.")
public final class NodeInspectCommand extends BerthCommand {

    @Parameters(paramLabel = "NODE", arity = "1..*", description = "Node ids, id prefixes, hostnames or self.")
    private List<String> nodes;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", converter = OutputFormat.Converter.class,
            description = "yaml (default) or json.")
    private OutputFormat format = OutputFormat.YAML;

    @Option(names = "--pretty", description = "Print the information in a human friendly format.")
    private boolean pretty;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "This server's state directory, for self.")
    private Path stateDir;

    @Override
    protected int run() {
        if (format != OutputFormat.YAML && format != OutputFormat.JSON) {
            throw usage("--format must be yaml or json");
        }
        String leader = pretty ? client().info().leader() : "";
        for (int i = 0; i < nodes.size(); i++) {
            Node n = NodeCommand.findNode(client(), self(nodes.get(i)));
            if (pretty) {
                out().print((i > 0 ? "\n" : "") + Describe.nodePretty(n, leader));
            } else {
                out().print(format == OutputFormat.JSON ? Printers.json(n) : (i > 0 ? "---\n" : "") + Printers.yaml(n));
            }
        }
        return 0;
    }

    private String self(String ref) {
        if (!ref.equals(NodeCommand.SELF)) {
            return ref;
        }
        return NodeCommand.localNodeId(Optional.ofNullable(stateDir), env())
                .orElseGet(() -> client().info().managerNodeId());
    }
}
