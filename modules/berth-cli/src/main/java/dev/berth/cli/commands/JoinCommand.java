package dev.berth.cli.commands;

import dev.berth.cli.flags.AgentNetworkFlags;
import dev.berth.agent.Agent;
import dev.berth.agent.AgentConfig;
import dev.berth.agent.executor.DockerExecutor;
import dev.berth.agent.join.JoinClient;
import dev.berth.agent.join.JoinException;
import dev.berth.agent.join.JoinState;
import dev.berth.agent.join.JoinedNode;
import dev.berth.api.ResourceList;
import dev.berth.api.join.JoinRequest;
import dev.berth.api.join.JoinToken;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.CliException;
import dev.berth.cli.flags.KeyValues;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth join --token T HOST:PORT}: joins this server to a cluster as a worker, then runs its
 * agent (foreground, or in the background with {@code --detach}).
 *
 * <ol>
 *   <li>reads the token (a malformed one stops here);</li>
 *   <li>fetches the manager's CA and checks it against the token's fingerprint;</li>
 *   <li>makes the node's key pair here and sends the public key with the token;</li>
 *   <li>writes {@code DIR/tls/{node.key,node.crt,ca.crt}}, {@code DIR/node-id}, {@code DIR/managers};</li>
 *   <li>runs the agent with mutual TLS to the managers' cluster ports.</li>
 * </ol>
 * A server whose state directory already holds a node must {@code berth leave} first.
 */
@Command(name = "join", mixinStandardHelpOptions = true,
        description = {"Join this server to a cluster as a worker, then run its agent (foreground until Ctrl-C or",
            "SIGTERM; with --detach in the background, logging to <state-dir>/agent.log).",
            "Get the command with its token on a manager: berth join-token worker"})
public final class JoinCommand extends BerthCommand {

    /** The agent's pid file in the state directory (with {@code --detach}). */
    static final String PID_FILE = "agent.pid";
    /** The agent's log in the state directory (with {@code --detach}). */
    static final String LOG_FILE = "agent.log";
    /** How long {@code --detach} waits for the agent's session. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String READY_FILE = "agent.ready";

    @Parameters(index = "0", paramLabel = "HOST:PORT", description = "A manager's cluster address (port 4242 by default).")
    private String manager;

    @Option(names = "--token", paramLabel = "TOKEN", required = true, description = "The join token (berth join-token worker).")
    private String token;

    @Option(names = "--advertise-addr", paramLabel = "ADDR",
            description = "The address other nodes reach this one at (default: this host's address).")
    private String advertiseAddr;

    @Option(names = "--hostname", paramLabel = "NAME", description = "The host name to report (default: the OS's).")
    private String hostname;

    @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "A label for the new node (repeatable).")
    private List<String> labels = new ArrayList<>();

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the node keeps its id, certificate and key (default: /var/lib/berth).")
    private Path stateDir;

    @Option(names = "--docker-host", paramLabel = "URL",
            description = "The Docker engine the agent runs tasks on (default: ${DEFAULT-VALUE}).")
    private String dockerHost = DockerExecutor.DEFAULT_HOST;

    @Option(names = {"-d", "--detach"}, description = "Run the agent in the background and return once its session is open.")
    private boolean detach;

    @Mixin
    private AgentNetworkFlags agentNetwork = new AgentNetworkFlags();

    /** The command that joins with {@code token} at the first of {@code managerAddresses}. */
    static String commandLine(String token, List<String> managerAddresses) {
        String at = managerAddresses.isEmpty() ? "<manager>:4242" : managerAddresses.get(0);
        return "berth join --token " + token + " " + at;
    }

    @Override
    protected int run() {
        JoinToken parsed;
        try {
            parsed = JoinToken.parse(token);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage() + "; get the current token on a manager with: berth join-token worker");
        }
        Path dir = ManagerFiles.stateDir(Optional.ofNullable(stateDir), env());
        Optional<String> existing = JoinState.existingNodeId(dir);
        if (existing.isPresent()) {
            throw new CliException("this server already belongs to a cluster as node " + existing.get()
                    + " (state in " + dir + "); run `berth leave` first");
        }
        Map<String, String> nodeLabels;
        AgentConfig base;
        try {
            nodeLabels = KeyValues.parse(labels, "--label");
            // the agent's defaults (host name, address) are what the join reports too
            base = AgentConfig.of(List.of(manager), dir).withHostname(hostname).withAdvertiseAddress(advertiseAddr)
                    .withDockerHost(dockerHost).withLabels(nodeLabels);
            base = agentNetwork.apply(base, agentNetwork.dnsUpstreams());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        ResourceList resources = Agent.nodeResources();
        JoinRequest node = new JoinRequest("", base.hostname(), base.advertiseAddress(), "", nodeLabels,
                resources.cpus(), resources.memory(), "");
        JoinedNode joined;
        Vertx vertx = Vertx.vertx();
        try {
            joined = new JoinClient(vertx).join(manager, parsed, node);
        } catch (JoinException e) {
            throw new CliException(e.getMessage(), e);
        } finally {
            vertx.close();
        }
        JoinState state;
        try {
            state = JoinState.write(dir, joined);
        } catch (RuntimeException e) {
            throw new CliException(e.getMessage(), e);
        }
        try {
            new AgentSettings(hostname, advertiseAddr,
                    dockerHost.equals(DockerExecutor.DEFAULT_HOST) ? "" : dockerHost, agentNetwork.dnsUpstreams())
                    .write(dir);
        } catch (RuntimeException e) {
            throw new CliException(e.getMessage(), e);
        }
        out().println("This node joined a cluster as a worker: node " + state.nodeId() + " (state in " + dir + ").");
        out().flush();
        AgentConfig config = AgentConfig.of(state.managers(), dir).withHostname(base.hostname())
                .withAdvertiseAddress(base.advertiseAddress()).withDockerHost(dockerHost).withLabels(nodeLabels)
                .withNodeId(state.nodeId()).withTls(state.tls());
        config = agentNetwork.apply(config, agentNetwork.dnsUpstreams());
        if (detach) {
            return runDetached(dir, state);
        }
        return AgentCommand.runForeground(config, "node " + state.nodeId() + ", managers "
                + String.join(", ", state.managers()) + " (mutual TLS)", out(), Optional.empty());
    }

    /** The {@code berth agent} command that runs this node in the background. */
    List<String> childCommand(Path dir) {
        List<String> cmd = new ArrayList<>(List.of("agent",
                "--state-dir", dir.toString(), "--ready-file", dir.resolve(READY_FILE).toString()));
        if (!dockerHost.equals(DockerExecutor.DEFAULT_HOST)) {
            cmd.addAll(List.of("--docker-host", dockerHost));
        }
        if (advertiseAddr != null) {
            cmd.addAll(List.of("--advertise-addr", advertiseAddr));
        }
        if (hostname != null) {
            cmd.addAll(List.of("--hostname", hostname));
        }
        cmd.addAll(agentNetwork.childArgs());
        return Background.berthCommand(cmd);
    }

    private int runDetached(Path dir, JoinState state) {
        Path ready = dir.resolve(READY_FILE);
        Path log = dir.resolve(LOG_FILE);
        Process child;
        try {
            Files.deleteIfExists(ready);
            child = Background.start(childCommand(dir), log, env().home(), "agent");
            Files.writeString(dir.resolve(PID_FILE), child.pid() + "\n");
        } catch (IOException e) {
            throw new CliException("cannot start the agent in the background: " + e.getMessage(), e);
        }
        Background.await(child, () -> Files.exists(ready), START_TIMEOUT, Duration.ofMillis(100), log,
                new Background.Waiting("agent", "before its session opened", "the agent's session did not open"),
                () -> { });
        out().println("The agent runs in the background (pid " + child.pid() + ", log " + log + "), connected to "
                + String.join(", ", state.managers()) + ".");
        return 0;
    }

}
