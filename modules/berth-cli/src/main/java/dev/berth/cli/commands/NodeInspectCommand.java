package dev.berth.cli.commands;

import dev.berth.api.Node;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.output.OutputFormat;
import dev.berth.cli.output.Printers;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth node inspect ID|HOSTNAME...}: the stored node as YAML (or JSON). */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Show nodes as stored, in YAML or JSON.")
public final class NodeInspectCommand extends BerthCommand {

    @Parameters(paramLabel = "ID|HOSTNAME", arity = "1..*", description = "Node ids or hostnames.")
    private List<String> nodes;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", converter = OutputFormat.Converter.class,
            description = "yaml (default) or json.")
    private OutputFormat format = OutputFormat.YAML;

    @Override
    protected int run() {
        if (format != OutputFormat.YAML && format != OutputFormat.JSON) {
            throw usage("--format must be yaml or json");
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node n = NodeCommand.findNode(client(), nodes.get(i));
            out().print(format == OutputFormat.JSON ? Printers.json(n) : (i > 0 ? "---\n" : "") + Printers.yaml(n));
        }
        return 0;
    }
}
