package dev.berth.cli.commands;

import dev.berth.agent.Agent;
import dev.berth.agent.AgentConfig;
import dev.berth.agent.executor.DockerExecutor;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.CliException;
import dev.berth.cli.flags.KeyValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth agent}: runs a node agent alone (a worker node, or a lab's extra node) in the
 * foreground until SIGTERM or Ctrl-C. A manager's own agent is started by {@code berth init}.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run a node agent on this server: it registers the node with a manager and runs its tasks",
            "on the local Docker engine (foreground until Ctrl-C or SIGTERM)."})
public final class AgentCommand extends BerthCommand {

    @Option(names = "--manager", paramLabel = "HOST:PORT", required = true,
            description = "A manager's API address; repeat for several (tried in order).")
    private List<String> managers = new ArrayList<>();

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the agent keeps its node id (default: the init state directory, else /var/lib/berth).")
    private Path stateDir;

    @Option(names = "--docker-host", paramLabel = "URL", description = "The Docker engine (default: ${DEFAULT-VALUE}).")
    private String dockerHost = DockerExecutor.DEFAULT_HOST;

    @Option(names = "--advertise-addr", paramLabel = "ADDR", description = "The address other nodes reach this one at.")
    private String advertiseAddr;

    @Option(names = "--hostname", paramLabel = "NAME", description = "The host name to report (default: the OS's).")
    private String hostname;

    @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "A label for the new node (repeatable).")
    private List<String> labels = new ArrayList<>();

    @Option(names = "--no-publish-ports", hidden = true,
            description = "Do not publish task ports with iptables (tests).")
    private boolean noPublishPorts;

    @Override
    protected int run() {
        AgentConfig config;
        try {
            config = AgentConfig.of(managers, ManagerFiles.stateDir(Optional.ofNullable(stateDir), env()))
                    .withDockerHost(dockerHost)
                    .withHostname(hostname)
                    .withAdvertiseAddress(advertiseAddr)
                    .withLabels(KeyValues.parse(labels, "--label"))
                    .withPublishPorts(!noPublishPorts);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
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
        out().println("Agent started: managers " + String.join(", ", managers) + ", Docker at " + dockerHost + ".");
        out().flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
