package dev.berth.cli.commands;

import dev.berth.agent.executor.ContainerInfo;
import dev.berth.agent.executor.DockerExecutor;
import dev.berth.agent.join.JoinState;
import dev.berth.agent.network.IptablesPortPublisher;
import dev.berth.agent.session.SessionTls;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.CliException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth leave [--force]}: this server leaves its cluster, as {@code docker swarm leave}
 * does. A worker stops its agent, removes the containers of its tasks and forgets its node id,
 * certificate and managers; the managers then see the node down and {@code berth node rm}
 * removes it. A manager refuses without {@code --force} (its leaving stops the cluster); with it,
 * it stops like {@code berth stop} and removes its cluster data (etcd, node id, certificates).
 *
 * <p>Everything happens on this server: a worker has no local API, and the cluster port serves
 * only joins and sessions, so leaving does not ask a manager for anything.
 */
@Command(name = "leave", mixinStandardHelpOptions = true,
        description = {"Leave the cluster: stop this server's agent, remove its task containers and its cluster",
            "identity. A manager leaves only with --force, which stops the cluster and removes its data."})
public final class LeaveCommand extends BerthCommand {

    /** The embedded etcd's data: only a manager's state directory has it. */
    static final String ETCD_DIR = "etcd";
    // what berth join writes: the managers, the TLS files, a background agent's pid file
    private static final String MANAGERS_FILE = JoinState.MANAGERS_FILE;
    private static final String TLS_DIR = SessionTls.DIR;
    private static final String AGENT_PID_FILE = JoinCommand.PID_FILE;

    /** What this server is to a cluster, read from its state directory. */
    enum Membership {
        /** Runs (or ran) a manager: etcd data, or a node id without a managers list. */
        MANAGER,
        /** Joined a cluster as a worker. */
        WORKER,
        /** Not part of any cluster. */
        NONE
    }

    @Option(names = {"-f", "--force"}, description = "Leave even though this server is the cluster's manager.")
    private boolean force;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "This server's state directory (default: the one"
            + " berth init or join used).")
    private Path stateDir;

    @Option(names = "--docker-host", paramLabel = "URL",
            description = "The Docker engine whose task containers are removed (default: ${DEFAULT-VALUE}).")
    private String dockerHost = DockerExecutor.DEFAULT_HOST;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long to wait for the agent or manager to"
            + " stop (default: ${DEFAULT-VALUE}).")
    private long timeoutSeconds = 60;

    @Option(names = "--keep-port-rules", hidden = true, description = "Do not touch iptables (tests).")
    private boolean keepPortRules;

    @Override
    protected int run() {
        Path dir = ManagerFiles.stateDir(Optional.ofNullable(stateDir), env());
        Optional<String> nodeId = NodeCommand.readNodeId(dir);
        Membership membership = membership(Files.isDirectory(dir.resolve(ETCD_DIR)),
                Files.exists(dir.resolve(MANAGERS_FILE)), nodeId.isPresent());
        switch (membership) {
            case NONE:
                throw new CliException("this node is not part of a cluster (no node id in " + dir + ")");
            case MANAGER:
                if (!force) {
                    throw new CliException("this node is the cluster's manager: leaving stops the cluster;"
                            + " use --force");
                }
                stop(dir, ManagerFiles.PID_FILE, "manager");
                break;
            default:
                stop(dir, AGENT_PID_FILE, "agent");
                // an agent run by a background join may share the manager's pid file name
                stop(dir, ManagerFiles.PID_FILE, "agent");
                break;
        }
        removeContainers(nodeId);
        if (!keepPortRules) {
            removePublishedPorts();
        }
        forget(dir, membership);
        out().println(membership == Membership.MANAGER
                ? "Node left the cluster: the manager is stopped and its cluster data removed."
                : "Node left the cluster.");
        return 0;
    }

    /**
     * What the state directory says this server is. Pure.
     *
     * @param hasEtcdData the embedded etcd's data directory exists
     * @param hasManagers a list of managers to join exists (a joined node)
     * @param hasNodeId a node id is kept there
     */
    static Membership membership(boolean hasEtcdData, boolean hasManagers, boolean hasNodeId) {
        if (hasEtcdData || (hasNodeId && !hasManagers)) {
            return Membership.MANAGER;
        }
        return hasNodeId || hasManagers ? Membership.WORKER : Membership.NONE;
    }

    /** The files {@code leave} removes from the state directory (logs stay, for the record). */
    static List<String> clusterFiles(Membership membership) {
        List<String> files = new ArrayList<>(NodeCommand.NODE_ID_FILES);
        files.addAll(List.of(TLS_DIR, MANAGERS_FILE, AGENT_PID_FILE, AgentSettings.FILE));
        if (membership == Membership.MANAGER) {
            files.addAll(List.of(ETCD_DIR, ManagerFiles.PID_FILE));
        }
        return List.copyOf(files);
    }

    /** Sends SIGTERM to the process in {@code pidFile} when it runs, and waits until it is gone. */
    private void stop(Path dir, String pidFile, String what) {
        Optional<Long> pid = readPid(dir.resolve(pidFile));
        Optional<ProcessHandle> process = pid.filter(p -> p != ProcessHandle.current().pid())
                .flatMap(ManagerFiles::liveManager);
        if (process.isEmpty()) {
            return;
        }
        process.get().destroy();
        try {
            process.get().onExit().get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new CliException("the " + what + " (pid " + pid.get() + ") did not stop within " + timeoutSeconds
                    + "s; nothing was removed; kill -9 " + pid.get() + " forces it");
        } catch (ExecutionException e) {
            throw new CliException("waiting for the " + what + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for the " + what + " (pid " + pid.get() + ")");
        }
        out().println("Stopped the " + what + " (pid " + pid.get() + ").");
    }

    private static Optional<Long> readPid(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Long.parseLong(Files.readString(file).strip()))
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Removes this node's task containers: once the node has left, no agent adopts them again, so
     * they would run (and hold published ports) forever. A missing engine is a warning: the node
     * still leaves.
     */
    private void removeContainers(Optional<String> nodeId) {
        try (DockerExecutor docker = new DockerExecutor(dockerHost, () -> nodeId)) {
            List<ContainerInfo> containers = docker.listManaged();
            for (ContainerInfo c : containers) {
                docker.remove(c.id());
            }
            if (!containers.isEmpty()) {
                out().println("Removed " + containers.size() + " task container" + (containers.size() == 1 ? "" : "s")
                        + ".");
            }
        } catch (Exception e) {
            err().println("Warning: could not remove the task containers on " + dockerHost + ": " + e.getMessage());
        }
    }

    private void removePublishedPorts() {
        try {
            new IptablesPortPublisher().removeAll();
        } catch (IOException | RuntimeException e) {
            err().println("Warning: could not remove Berth's published-port rules: " + e.getMessage());
        }
    }

    private void forget(Path dir, Membership membership) {
        for (String name : clusterFiles(membership)) {
            Path p = dir.resolve(name);
            try {
                if (Files.isDirectory(p)) {
                    try (Stream<Path> walk = Files.walk(p)) {
                        for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(f);
                        }
                    }
                } else {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new CliException("cannot remove " + p + ": " + e.getMessage(), e);
            }
        }
    }
}
