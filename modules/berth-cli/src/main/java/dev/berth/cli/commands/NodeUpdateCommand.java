package dev.berth.cli.commands;

import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeSpec;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.CliException;
import dev.berth.cli.client.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth node update [--label-add K=V]... [--label-rm K]... [--availability A] NODE}: changes
 * a node's labels and availability as docker does. It reads the node, changes it and replaces it
 * at the version it read, and starts over when someone else wrote in between.
 */
@Command(name = "update", mixinStandardHelpOptions = true,
        description = "Update a node's labels or availability (active, pause, drain).")
public final class NodeUpdateCommand extends BerthCommand {

    /** Read-modify-write rounds before a node that keeps changing wins. */
    static final int ATTEMPTS = 5;

    @Parameters(paramLabel = "NODE", description = "The node's id, id prefix or hostname.")
    private String node;

    @Option(names = "--label-add", paramLabel = "KEY=VALUE", description = "Add or change a label (repeatable).")
    private List<String> labelAdd = new ArrayList<>();

    @Option(names = "--label-rm", paramLabel = "KEY", description = "Remove a label that exists (repeatable).")
    private List<String> labelRm = new ArrayList<>();

    @Option(names = "--availability", paramLabel = "active|pause|drain",
            description = "active: tasks may be placed; pause: no new tasks; drain: tasks move elsewhere.")
    private String availability;

    @Override
    protected int run() {
        Map<String, String> adds;
        Optional<NodeAvailability> wanted;
        try {
            adds = parseLabelAdds(labelAdd);
            wanted = Optional.ofNullable(availability).map(NodeUpdateCommand::parseAvailability);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (adds.isEmpty() && labelRm.isEmpty() && wanted.isEmpty()) {
            throw usage("nothing to update: give --label-add, --label-rm or --availability");
        }
        String id = NodeCommand.findNode(client(), node).id();
        for (int attempt = 1; ; attempt++) {
            Node stored = client().get(Kind.NODE, id);
            Node changed = update(stored, adds, labelRm, wanted);
            try {
                if (!changed.equals(stored)) {
                    client().replace(changed);
                }
                out().println(node);
                return 0;
            } catch (ApiException e) {
                if (!e.isConflict() || attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * {@code --label-add} values to labels ({@code k=v}); a later value for a key wins.
     *
     * @throws IllegalArgumentException for a value with no key ({@code =v}, empty), and for a key
     *     alone or an empty value: docker takes {@code --label-add ssd} as an empty value, but
     *     Berth's codec leaves empty map values out when it stores an object, so the label would
     *     silently vanish
     */
    static Map<String, String> parseLabelAdds(List<String> values) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            String key = eq < 0 ? v : v.substring(0, eq);
            if (key.isBlank()) {
                throw new IllegalArgumentException("--label-add \"" + v + "\": expected KEY=VALUE");
            }
            if (eq < 0 || eq == v.length() - 1) {
                throw new IllegalArgumentException("--label-add \"" + v + "\": expected KEY=VALUE with a value"
                        + " (empty label values are not kept), e.g. " + key + "=true");
            }
            labels.put(key, v.substring(eq + 1));
        }
        return labels;
    }

    static NodeAvailability parseAvailability(String value) {
        try {
            return NodeAvailability.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--availability \"" + value + "\": expected active, pause or drain");
        }
    }

    /**
     * {@code node} with the labels added, then removed, and the availability set. Pure.
     *
     * @throws CliException when a label to remove is not there (docker's message); nothing is
     *     changed then
     */
    static Node update(Node node, Map<String, String> adds, List<String> removes, Optional<NodeAvailability> availability) {
        Map<String, String> labels = new LinkedHashMap<>(node.metadata().labels());
        labels.putAll(adds);
        for (String key : removes) {
            if (!labels.containsKey(key)) {
                throw new CliException("key " + key + " doesn't exist in node's labels");
            }
            labels.remove(key);
        }
        NodeSpec spec = new NodeSpec(node.spec().role(), availability.orElse(node.spec().availability()));
        return node.withMetadata(node.metadata().withLabels(labels)).withSpec(spec);
    }
}
