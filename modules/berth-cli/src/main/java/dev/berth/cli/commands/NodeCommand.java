package dev.berth.cli.commands;

import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.cli.CliEnvironment;
import dev.berth.cli.client.ApiClient;
import dev.berth.cli.client.ApiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code berth node}: Swarm's node commands. Without a subcommand it prints its usage. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Manage the cluster's nodes (ls, inspect, update, ps, rm).",
        subcommands = {NodeLsCommand.class, NodeInspectCommand.class, NodeUpdateCommand.class, NodePsCommand.class,
            NodeRmCommand.class})
public final class NodeCommand implements Callable<Integer> {

    /** What {@code node ps} and {@code node inspect} accept for the node the CLI runs on, as docker does. */
    static final String SELF = "self";

    /** Files in a state directory that hold this server's node id: the manager's, then the agent's. */
    static final List<String> NODE_ID_FILES = List.of("node-id", "agent-node-id");

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /**
     * The node {@code ref} names: a stored id at once, else as {@link #resolve} finds it among
     * every node.
     *
     * @throws ApiException 404 when no node matches, 400 when several do
     */
    static Node findNode(ApiClient client, String ref) {
        Optional<Node> byId = ref.isEmpty() ? Optional.empty() : client.find(Kind.NODE, ref);
        if (byId.isPresent()) {
            return byId.get();
        }
        return resolve(client.list(Kind.NODE, Optional.empty()).items(), ref);
    }

    /**
     * The node {@code ref} names among {@code nodes}, as docker resolves a node: its full id, else
     * its hostname, else a prefix of its id. A hostname or prefix that several nodes share is an
     * error listing them (use the id). Pure.
     *
     * @throws ApiException 404 when no node matches, 400 when several do
     */
    static Node resolve(List<Node> nodes, String ref) {
        for (Node n : nodes) {
            if (n.id().equals(ref)) {
                return n;
            }
        }
        List<Node> byHostname = nodes.stream().filter(n -> n.status().hostname().equals(ref)).toList();
        if (byHostname.size() == 1) {
            return byHostname.get(0);
        }
        if (byHostname.size() > 1) {
            throw ambiguous(ref, "hostname", byHostname);
        }
        List<Node> byPrefix = ref.isEmpty() ? List.of() : nodes.stream().filter(n -> n.id().startsWith(ref)).toList();
        if (byPrefix.size() == 1) {
            return byPrefix.get(0);
        }
        if (byPrefix.size() > 1) {
            throw ambiguous(ref, "id prefix", byPrefix);
        }
        throw new ApiException(404, "NotFound", "no node with id or hostname \"" + ref + "\"", "");
    }

    private static ApiException ambiguous(String ref, String what, List<Node> matches) {
        String listed = matches.stream().sorted(Comparator.comparing(Node::id))
                .map(n -> n.id() + " (" + n.status().hostname() + ")").collect(Collectors.joining(", "));
        return new ApiException(400, "Ambiguous", "node " + what + " \"" + ref + "\" is ambiguous: it matches "
                + matches.size() + " nodes, " + listed + "; use the node id", "");
    }

    /**
     * The id of the node this server is, from its state directory ({@code --state-dir}, else the
     * one {@code berth init} wrote in {@code ~/.berth/config}, else the default), if it holds one.
     */
    static Optional<String> localNodeId(Optional<Path> stateDirOption, CliEnvironment env) {
        return readNodeId(ManagerFiles.stateDir(stateDirOption, env));
    }

    /** The node id kept in {@code dir} ({@link #NODE_ID_FILES}, first found). */
    static Optional<String> readNodeId(Path dir) {
        for (String name : NODE_ID_FILES) {
            Path file = dir.resolve(name);
            try {
                if (Files.isRegularFile(file)) {
                    String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                    if (!id.isEmpty()) {
                        return Optional.of(id);
                    }
                }
            } catch (IOException e) {
                // unreadable: as if there were none (the CLI then marks the answering manager)
            }
        }
        return Optional.empty();
    }

    /**
     * The node {@code node ls} marks with {@code *} and {@code node ps} shows by default: this
     * server's node (its state directory's id) when the cluster has it, else the node of the
     * manager that answered, as docker marks the engine it talks to.
     */
    static String currentNodeId(Optional<String> localId, List<Node> nodes, String answeringManager) {
        return localId.filter(id -> nodes.stream().anyMatch(n -> n.id().equals(id))).orElse(answeringManager);
    }
}
