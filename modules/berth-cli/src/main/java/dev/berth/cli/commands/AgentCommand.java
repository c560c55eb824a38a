package dev.berth.cli.commands;

import dev.berth.cli.flags.AgentNetworkFlags;
import dev.berth.agent.Agent;
import dev.berth.agent.AgentConfig;
import dev.berth.agent.executor.DockerExecutor;
import dev.berth.agent.join.JoinState;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.CliException;
import dev.berth.cli.flags.KeyValues;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code berth agent}: runs a node agent alone in the foreground until SIGTERM or Ctrl-C. In a
 * state directory that {@code berth join} wrote it reuses that node's id and certificate and
 * opens a mutual-TLS session to the managers' cluster ports (no {@code --manager} needed: the
 * directory lists them); otherwise it opens a plain session to {@code --manager}'s API port. A
 * manager's own agent is started by {@code berth init}.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run a node agent on this server: it registers the node with a manager and runs its tasks",
            "on the local Docker engine (foreground until Ctrl-C or SIGTERM).",
            "In a state directory written by berth join it runs as that node, over mutual TLS to the",
            "managers listed there."})
public final class AgentCommand extends BerthCommand {

    @Option(names = "--manager", paramLabel = "HOST:PORT",
            description = {"A manager's address; repeat for several (tried in order). Without a join: its API"
                    + " port (plain session). After berth join: its cluster port (default: the managers the join"
                    + " recorded in the state directory)."})
    private List<String> managers = new ArrayList<>();

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the agent keeps its node id (default: the init state directory, else /var/lib/berth).")
    private Path stateDir;

    @Option(names = "--docker-host", paramLabel = "URL",
            description = "The Docker engine (default: what the node last ran with, else " + DockerExecutor.DEFAULT_HOST + ").")
    private String dockerHost;

    @Option(names = "--advertise-addr", paramLabel = "ADDR", description = "The address other nodes reach this one at.")
    private String advertiseAddr;

    @Option(names = "--hostname", paramLabel = "NAME", description = "The host name to report (default: the OS's).")
    private String hostname;

    @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "A label for the new node (repeatable).")
    private List<String> labels = new ArrayList<>();

    @Mixin
    private AgentNetworkFlags agentNetwork = new AgentNetworkFlags();

    @Option(names = "--ready-file", paramLabel = "PATH", hidden = true,
            description = "Write this file once the session is open (berth join --detach waits for it).")
    private Path readyFile;

    @Override
    protected int run() {
        Path dir = ManagerFiles.stateDir(Optional.ofNullable(stateDir), env());
        Optional<JoinState> joined = JoinState.read(dir);
        AgentConfig config;
        try {
            List<String> targets = !managers.isEmpty() ? managers
                    : joined.map(JoinState::managers).orElseThrow(() -> usage("--manager HOST:PORT is required unless "
                            + dir + " holds a joined node's state (berth join writes it)"));
            // a joined node remembers its flags: a restart after a crash needs only --state-dir
            AgentSettings settings = joined.isPresent()
                    ? AgentSettings.read(dir).overriddenBy(hostname, advertiseAddr, dockerHost,
                            agentNetwork.dnsUpstreams())
                    : new AgentSettings(hostname, advertiseAddr, dockerHost, agentNetwork.dnsUpstreams());
            if (joined.isPresent()) {
                settings.write(dir);
            }
            config = AgentConfig.of(targets, dir)
                    .withDockerHost(settings.dockerHostIfSet().orElse(DockerExecutor.DEFAULT_HOST))
                    .withHostname(settings.hostnameIfSet().orElse(null))
                    .withAdvertiseAddress(settings.advertiseAddressIfSet().orElse(null))
                    .withLabels(KeyValues.parse(labels, "--label"));
            config = agentNetwork.apply(config, settings.dnsUpstreams());
            if (joined.isPresent()) {
                config = config.withNodeId(joined.get().nodeId()).withTls(joined.get().tls());
            }
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        String what = (joined.isPresent() ? "node " + joined.get().nodeId() + ", " : "")
                + "managers " + String.join(", ", config.managers()) + (joined.isPresent() ? " (mutual TLS)" : "");
        return runForeground(config, what, out(), Optional.ofNullable(readyFile));
    }

    /**
     * Starts an agent with {@code config} and keeps it running until the JVM is told to stop
     * (SIGTERM, Ctrl-C); writes {@code readyFile} once its session is open.
     *
     * @return the exit code
     */
    static int runForeground(AgentConfig config, String what, PrintWriter out, Optional<Path> readyFile) {
        Agent agent;
        try {
            agent = new Agent(config).start();
        } catch (RuntimeException e) {
            throw new CliException("the agent failed to start: " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                agent.close();
            } finally {
                stopped.countDown();
            }
        }, "berth-agent-shutdown"));
        out.println("Agent started: " + what + ", Docker at " + config.dockerHost() + ".");
        out.flush();
        readyFile.ifPresent(file -> signalWhenConnected(agent, file, stopped));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Writes {@code file} once {@code agent}'s session is open, from a daemon thread. */
    private static void signalWhenConnected(Agent agent, Path file, CountDownLatch stopped) {
        Thread t = new Thread(() -> {
            try {
                while (!agent.isConnected()) {
                    if (stopped.await(100, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                }
                Files.writeString(file, agent.nodeId().orElse("") + "\n");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the waiting parent then times out and shows the log
            }
        }, "berth-agent-ready");
        t.setDaemon(true);
        t.start();
    }
}
