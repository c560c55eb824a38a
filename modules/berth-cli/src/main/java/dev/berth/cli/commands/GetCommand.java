package dev.berth.cli.commands;

import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.client.ApiException;
import dev.berth.cli.client.ObjectList;
import dev.berth.cli.flags.Converters;
import dev.berth.cli.output.OutputFormat;
import dev.berth.cli.output.Printers;
import dev.berth.cli.output.Table;
import dev.berth.cli.output.Tables;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth get KIND [NAME]}: lists or shows objects, as a table, YAML, JSON or names; {@code -w} keeps watching. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = {"Show objects of one kind as a table, YAML, JSON or names.",
            "KIND is services (svc), tasks, nodes (no), clusters, endpoints (ep) or servicerevisions (rev);",
            "singular, plural or alias. A service's revisions: berth get rev -l berth.service=NAME."})
public final class GetCommand extends BerthCommand {

    @Parameters(index = "0", paramLabel = "KIND", converter = Converters.KindWord.class,
            description = "services, tasks, nodes, clusters, endpoints or servicerevisions")
    private Kind<?> kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "Show only this object.")
    private String name;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", converter = OutputFormat.Converter.class,
            description = "wide, yaml, json or name (default: a table).")
    private OutputFormat output = OutputFormat.TABLE;

    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR",
            description = "Label selector, e.g. app=web,tier!=db (see docs/api.md).")
    private String selector;

    @Option(names = {"-w", "--watch"}, description = "After the current objects, print every change until interrupted.")
    private boolean watch;

    @Override
    protected int run() {
        if (name != null && selector != null) {
            throw usage("a NAME cannot be given together with a selector (-l)");
        }
        return get(kind);
    }

    private <T extends ApiObject> int get(Kind<T> k) {
        List<T> objects;
        long resourceVersion;
        if (name != null) {
            T object = client().get(k, name);
            objects = List.of(object);
            resourceVersion = object.metadata().resourceVersion();
        } else {
            ObjectList<T> list = client().list(k, Optional.ofNullable(selector));
            objects = list.items().stream().sorted(Comparator.comparing(ApiObject::name)).toList();
            resourceVersion = list.resourceVersion();
        }
        Map<String, String> hostnames = k == Kind.TASK && isTable() ? hostnames() : Map.of();
        int[] widths = print(k, objects, hostnames);
        if (!watch) {
            return 0;
        }
        long from = resourceVersion;
        while (true) {
            try {
                client().watch(k, from, Optional.ofNullable(selector), event -> {
                    if (name == null || event.object().name().equals(name)) {
                        printEvent(event.object(), hostnames, widths);
                    }
                });
                return 0; // the manager ended the stream (it stopped)
            } catch (ApiException e) {
                if (e.status() != 410) {
                    throw e;
                }
                // The revision was compacted: list again, print what is there now and watch on from
                // the new list, as kubectl's reflector does.
                ObjectList<T> again = client().list(k, Optional.ofNullable(selector));
                again.items().stream().filter(o -> name == null || o.name().equals(name))
                        .forEach(o -> printEvent(o, hostnames, widths));
                from = again.resourceVersion();
            }
        }
    }

    private boolean isTable() {
        return output == OutputFormat.TABLE || output == OutputFormat.WIDE;
    }

    private Map<String, String> hostnames() {
        return Tables.hostnames(client().list(Kind.NODE, Optional.empty()).items());
    }

    /** Prints the current objects; returns the table's column widths (for watch rows). */
    private int[] print(Kind<?> k, List<? extends ApiObject> objects, Map<String, String> hostnames) {
        switch (output) {
            case YAML:
                out().print(name != null ? Printers.yaml(objects.get(0)) : Printers.yamlList(objects));
                return new int[0];
            case JSON:
                out().print(name != null ? Printers.json(objects.get(0)) : Printers.jsonList(objects));
                return new int[0];
            case NAME:
                objects.forEach(o -> out().println(Printers.name(o)));
                return new int[0];
            default:
                boolean wide = output == OutputFormat.WIDE;
                Table table = Tables.header(k.name(), wide);
                objects.forEach(o -> table.row(Tables.getRow(o, wide, hostnames, now())));
                if (objects.isEmpty() && !watch) {
                    err().println("No resources found.");
                } else {
                    out().print(table.render());
                }
                out().flush();
                return table.widths();
        }
    }

    private void printEvent(ApiObject object, Map<String, String> hostnames, int[] widths) {
        switch (output) {
            case YAML:
                out().print("---\n" + Printers.yaml(object));
                break;
            case JSON:
                out().print(Printers.json(object));
                break;
            case NAME:
                out().println(Printers.name(object));
                break;
            default:
                boolean wide = output == OutputFormat.WIDE;
                Map<String, String> hosts = hostnames;
                if (object instanceof dev.berth.api.Task t && !t.spec().nodeId().isEmpty()
                        && !hostnames.containsKey(t.spec().nodeId())) {
                    hosts = hostnames(); // a node that registered after the list
                }
                Table row = Tables.header(object.kind(), wide).row(Tables.getRow(object, wide, hosts, now()));
                out().print(row.renderRows(widths));
                break;
        }
        out().flush();
    }
}
