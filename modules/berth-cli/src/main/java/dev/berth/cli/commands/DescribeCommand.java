package dev.berth.cli.commands;

import dev.berth.api.Cluster;
import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.Service;
import dev.berth.api.Task;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.flags.Converters;
import dev.berth.cli.output.Describe;
import dev.berth.cli.output.Tables;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code berth describe KIND NAME}: one object for a person to read, with its tasks. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = {"Show one object in detail, with its tasks.",
            "A service: spec summary, status and tasks. A node: status, resources, labels and tasks."})
public final class DescribeCommand extends BerthCommand {

    @Parameters(index = "0", paramLabel = "KIND", converter = Converters.KindWord.class,
            description = "services, tasks, nodes or clusters")
    private Kind<?> kind;

    @Parameters(index = "1", paramLabel = "NAME", description = "The object's name (a node: its id or hostname).")
    private String name;

    @Override
    protected int run() {
        Map<String, String> hostnames = Tables.hostnames(client().list(Kind.NODE, Optional.empty()).items());
        if (kind == Kind.SERVICE) {
            Service s = client().get(Kind.SERVICE, name);
            List<Task> tasks = client().list(Kind.TASK, Optional.of(Task.SERVICE_LABEL + "=" + name)).items();
            out().print(Describe.service(s, tasks, hostnames, now()));
        } else if (kind == Kind.NODE) {
            Node n = NodeCommand.findNode(client(), name);
            List<Task> tasks = client().list(Kind.TASK, Optional.empty()).items().stream()
                    .filter(t -> t.spec().nodeId().equals(n.id())).toList();
            out().print(Describe.node(n, tasks, hostnames, now()));
        } else if (kind == Kind.TASK) {
            out().print(Describe.task(client().get(Kind.TASK, name), hostnames, now()));
        } else if (kind == Kind.SERVICE_REVISION) {
            out().print(Describe.revision(client().get(Kind.SERVICE_REVISION, name), now()));
        } else if (kind == Kind.ENDPOINTS) {
            out().print(Describe.endpoints(client().get(Kind.ENDPOINTS, name), hostnames, now()));
        } else {
            out().print(Describe.cluster((Cluster) client().get(kind, name), now()));
        }
        return 0;
    }
}
