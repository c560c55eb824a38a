package dev.berth.cli.commands;

import dev.berth.cli.flags.AgentNetworkFlags;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.CliConfig;
import dev.berth.cli.CliException;
import dev.berth.cli.client.ApiClient;
import dev.berth.agent.Agent;
import dev.berth.agent.AgentConfig;
import dev.berth.agent.executor.DockerExecutor;
import dev.berth.agent.join.JoinState;
import dev.berth.api.ClusterSpec;
import dev.berth.api.NetworkSpec;
import dev.berth.api.NodeRole;
import dev.berth.api.validation.FieldError;
import dev.berth.api.validation.Validation;
import dev.berth.cli.client.JoinTokensInfo;
import dev.berth.manager.Manager;
import dev.berth.manager.ManagerConfig;
import dev.berth.manager.pki.ClusterCa;
import dev.berth.manager.pki.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code berth init}: starts a manager (embedded etcd, API, controllers) and, as Swarm does, a node
 * agent registered as the manager's own node, in this process, and keeps them running until
 * SIGTERM or Ctrl-C; with {@code --detach}, starts that same command in the background and
 * returns once its API answers. {@code --no-agent} starts the manager alone.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Initialize a cluster: run a manager, and an agent that runs tasks on this server's Docker",
            "engine, in the foreground until Ctrl-C or SIGTERM.",
            "Writes ~/.berth/config so that other commands find it. With --detach it runs in the",
            "background, logging to <state-dir>/manager.log (stop it with berth stop)."})
public final class InitCommand extends BerthCommand {

    /** How long {@code --detach} waits for the manager's API. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "State directory: node id, etcd data, pid and log files (default: /var/lib/berth).")
    private Path stateDir;

    @Option(names = "--etcd-binary", paramLabel = "PATH", description = "The etcd executable (default: etcd on the PATH).")
    private Path etcdBinary;

    @Option(names = "--etcd-client-port", paramLabel = "PORT",
            description = "Loopback client port of the embedded etcd (default: ${DEFAULT-VALUE}).")
    private int etcdClientPort = ManagerConfig.DEFAULT_ETCD_CLIENT_PORT;

    @Option(names = "--etcd-peer-port", paramLabel = "PORT",
            description = "Loopback peer port of the embedded etcd (default: ${DEFAULT-VALUE}).")
    private int etcdPeerPort = ManagerConfig.DEFAULT_ETCD_PEER_PORT;

    @Option(names = "--etcd-endpoint", paramLabel = "URL", hidden = true,
            description = "Use this external etcd instead of an embedded one (tests). Repeatable.")
    private List<String> etcdEndpoints = new ArrayList<>();

    @Option(names = "--etcd-prefix", paramLabel = "PREFIX", hidden = true,
            description = "Key prefix inside an external etcd (tests).")
    private String etcdPrefix = "";

    @Option(names = "--listen-addr", paramLabel = "HOST:PORT",
            description = "Where the API listens (default: ${DEFAULT-VALUE}).")
    private String listenAddr = ManagerConfig.DEFAULT_LISTEN_HOST + ":" + ManagerConfig.DEFAULT_API_PORT;

    @Option(names = "--advertise-addr", paramLabel = "ADDR",
            description = "The address other nodes reach this manager at (default: the listen address).")
    private String advertiseAddr;

    @Option(names = "--cluster-listen-addr", paramLabel = "HOST:PORT",
            description = {"Where the cluster port listens: TLS, for servers that join and their agents' sessions"
                    + " (default: ${DEFAULT-VALUE})."})
    private String clusterListenAddr = ManagerConfig.DEFAULT_CLUSTER_LISTEN_HOST + ":" + ManagerConfig.DEFAULT_CLUSTER_PORT;

    @Option(names = "--hostname", paramLabel = "NAME", description = "The host name this node reports (default: the OS's).")
    private String hostname;

    @Option(names = "--no-agent", description = "Run the manager only: this server runs no tasks.")
    private boolean noAgent;

    @Option(names = "--docker-host", paramLabel = "URL",
            description = "The Docker engine the agent runs tasks on (default: ${DEFAULT-VALUE}).")
    private String dockerHost = DockerExecutor.DEFAULT_HOST;

    @Mixin
    private AgentNetworkFlags agentNetwork = new AgentNetworkFlags();

    @Option(names = {"-d", "--detach"}, description = "Run the manager in the background and return once it answers.")
    private boolean detach;

    @Option(names = "--container-cidr", paramLabel = "CIDR",
            description = {"The containers' addresses: every node gets a subnet of it (default: "
                    + NetworkSpec.DEFAULT_CONTAINER_CIDR + "). Fixed once the cluster exists."})
    private String containerCidr;

    @Option(names = "--service-cidr", paramLabel = "CIDR",
            description = {"The services' virtual IPs; must not overlap --container-cidr (default: "
                    + NetworkSpec.DEFAULT_SERVICE_CIDR + "). Fixed once the cluster exists."})
    private String serviceCidr;

    @Option(names = "--node-subnet-prefix", paramLabel = "N",
            description = {"Prefix length of each node's container subnet, from the --container-cidr prefix to 30"
                    + " (default: " + NetworkSpec.DEFAULT_NODE_SUBNET_PREFIX + ": 254 containers per node)."})
    private Integer nodeSubnetPrefix;

    /** {@code HOST:PORT} of {@code --listen-addr}. */
    record Listen(String host, int port) {

        static Listen parse(String text) {
            return parse(text, "--listen-addr", "127.0.0.1:4243");
        }

        static Listen parse(String text, String flag, String example) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new IllegalArgumentException(flag + " \"" + text + "\": expected HOST:PORT, e.g. " + example);
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                int port = Integer.parseInt(text.substring(colon + 1));
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return new Listen(host, port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " \"" + text + "\": port must be 0..65535");
            }
        }

        /** The URL a client on this server uses: a wildcard listen address is reached on loopback. */
        String url(int boundPort) {
            String h = ManagerConfig.isWildcard(host) ? "127.0.0.1" : host;
            return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + boundPort;
        }
    }

    private Listen clusterListen;

    @Override
    protected int run() {
        Listen listen;
        try {
            listen = Listen.parse(listenAddr);
            clusterListen = Listen.parse(clusterListenAddr, "--cluster-listen-addr", "0.0.0.0:4242");
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        // checked before anything starts: the Cluster object cannot be changed to fix it later
        Optional<String> badNetwork = networkProblem(network());
        if (badNetwork.isPresent()) {
            throw usage(badNetwork.get());
        }
        Path dir = ManagerFiles.stateDir(Optional.ofNullable(stateDir), env());
        Optional<Long> running = ManagerFiles.readPid(dir).filter(p -> ManagerFiles.liveManager(p).isPresent())
                .filter(p -> p != ProcessHandle.current().pid());
        if (running.isPresent()) {
            throw new CliException("a manager is already running with state in " + dir + " (pid " + running.get()
                    + "): stop it first (berth stop)");
        }
        return detach ? runDetached(dir, listen) : runForeground(dir, listen);
    }

    /** The cluster network of the flags (defaults for those not given). */
    NetworkSpec network() {
        return new NetworkSpec(containerCidr, nodeSubnetPrefix, serviceCidr);
    }

    /**
     * What is wrong with the network flags, naming the flag ({@code --service-cidr: serviceCidr
     * 10.42.0.0/20 overlaps containerCidr 10.42.0.0/16: …}); empty when they are fine. The API's
     * own rules ({@link Validation#clusterSpec}), so init refuses exactly what the manager would.
     */
    static Optional<String> networkProblem(NetworkSpec network) {
        List<String> problems = new ArrayList<>();
        for (FieldError e : Validation.clusterSpec(new ClusterSpec(null, null, network))) {
            String flag = switch (e.field()) {
                case "spec.network.containerCidr" -> "--container-cidr";
                case "spec.network.serviceCidr" -> "--service-cidr";
                case "spec.network.nodeSubnetPrefix" -> "--node-subnet-prefix";
                default -> e.field();
            };
            problems.add(flag + ": " + e.message());
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    private ManagerConfig config(Path dir, Listen listen) {
        ManagerConfig config = ManagerConfig.defaults()
                .withStateDir(dir)
                .withEtcdPorts(etcdClientPort, etcdPeerPort)
                .withListen(listen.host(), listen.port())
                .withClusterListen(clusterListen.host(), clusterListen.port())
                .withNetwork(network());
        if (hostname != null) {
            config = config.withHostname(hostname);
        }
        if (etcdBinary != null) {
            config = config.withEtcdBinary(etcdBinary);
        }
        if (advertiseAddr != null) {
            config = config.withAdvertiseAddress(advertiseAddr);
        }
        if (!etcdEndpoints.isEmpty()) {
            config = config.withExternalEtcd(etcdEndpoints, etcdPrefix);
        }
        return config;
    }

    private int runForeground(Path dir, Listen listen) {
        long pid = ProcessHandle.current().pid();
        ManagerFiles.writePid(dir, pid);
        Manager manager;
        try {
            manager = new Manager(config(dir, listen)).start();
        } catch (RuntimeException e) {
            ManagerFiles.deletePid(dir, pid);
            throw new CliException("the manager failed to start: " + e.getMessage(), e);
        }
        String url = listen.url(manager.apiPort());
        Optional<Agent> agent;
        try {
            writeNodeCertificate(dir, manager);
            agent = noAgent ? Optional.empty() : Optional.of(new Agent(agentConfig(dir, manager)).start());
        } catch (RuntimeException e) {
            manager.close();
            ManagerFiles.deletePid(dir, pid);
            throw new CliException("the node agent failed to start: " + e.getMessage(), e);
        }
        new CliConfig(Optional.of(url), Optional.of(dir)).write(CliConfig.file(env().home()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                // the agent first: its session ends cleanly while the manager still answers
                agent.ifPresent(Agent::close);
                manager.close();
            } finally {
                ManagerFiles.deletePid(dir, pid);
                stopped.countDown();
            }
        }, "berth-manager-shutdown"));
        out().println("Cluster initialized: node " + manager.nodeId() + " is now a manager.");
        if (agent.isPresent()) {
            out().println("Its agent runs tasks on the Docker engine at " + dockerHost + ".");
        }
        out().println("The API listens on " + url + " (config written to " + CliConfig.file(env().home()) + ").");
        out().println();
        out().print(joinInstructions(manager.pki().tokens().worker(), manager.managerAddresses()));
        out().flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Gives the manager's own node a certificate of the cluster CA, as a join gives other nodes
     * ({@code DIR/tls}): issued in-process, the key made here. Its agent still uses the local
     * API's plain session route (loopback by default; whoever reaches that API administers the
     * cluster anyway), but the node holds the same identity as every other.
     */
    private static void writeNodeCertificate(Path dir, Manager manager) {
        KeyPair keys = ClusterCa.newKeyPair();
        var cert = manager.pki().issueNode(manager.nodeId(), NodeRole.MANAGER, keys.getPublic());
        JoinState.writeTls(dir, Pem.privateKey(keys.getPrivate()), Pem.certificate(cert),
                manager.pki().ca().certificatePem());
    }

    /** What init prints so that a person can add a worker. */
    static String joinInstructions(String workerToken, List<String> managerAddresses) {
        return "To add a worker to this cluster, run on it:\n\n    "
                + JoinCommand.commandLine(workerToken, managerAddresses) + "\n\n";
    }

    /**
     * The manager's own agent: it reaches the manager on its API address and registers as the
     * manager's node (same id), so that a single-server cluster has exactly one node.
     */
    AgentConfig agentConfig(Path dir, Manager manager) {
        String host = manager.config().listenHost();
        if (ManagerConfig.isWildcard(host)) {
            host = "127.0.0.1";
        }
        String address = (host.contains(":") ? "[" + host + "]" : host) + ":" + manager.apiPort();
        AgentConfig config = AgentConfig.of(List.of(address), dir)
                .withNodeId(manager.nodeId())
                .withRole("manager")
                .withHostname(manager.config().hostname())
                .withAdvertiseAddress(manager.config().effectiveAdvertiseAddress())
                .withDockerHost(dockerHost);
        return agentNetwork.apply(config, agentNetwork.dnsUpstreams());
    }

    /** The command that runs this same init in the foreground, for the background process. */
    List<String> childCommand(Path dir) {
        List<String> cmd = new ArrayList<>(List.of("init", "--state-dir", dir.toString(), "--listen-addr", listenAddr,
                "--etcd-client-port", String.valueOf(etcdClientPort), "--etcd-peer-port", String.valueOf(etcdPeerPort)));
        if (etcdBinary != null) {
            cmd.addAll(List.of("--etcd-binary", etcdBinary.toAbsolutePath().toString()));
        }
        if (advertiseAddr != null) {
            cmd.addAll(List.of("--advertise-addr", advertiseAddr));
        }
        cmd.addAll(List.of("--cluster-listen-addr", clusterListenAddr));
        if (hostname != null) {
            cmd.addAll(List.of("--hostname", hostname));
        }
        for (String e : etcdEndpoints) {
            cmd.addAll(List.of("--etcd-endpoint", e));
        }
        if (!etcdPrefix.isEmpty()) {
            cmd.addAll(List.of("--etcd-prefix", etcdPrefix));
        }
        if (noAgent) {
            cmd.add("--no-agent");
        }
        if (!dockerHost.equals(DockerExecutor.DEFAULT_HOST)) {
            cmd.addAll(List.of("--docker-host", dockerHost));
        }
        cmd.addAll(agentNetwork.childArgs());
        if (containerCidr != null) {
            cmd.addAll(List.of("--container-cidr", containerCidr));
        }
        if (serviceCidr != null) {
            cmd.addAll(List.of("--service-cidr", serviceCidr));
        }
        if (nodeSubnetPrefix != null) {
            cmd.addAll(List.of("--node-subnet-prefix", String.valueOf(nodeSubnetPrefix)));
        }
        return Background.berthCommand(cmd);
    }

    /**
     * The background manager's JVM options: {@code options} (BERTH_DAEMON_JAVA_OPTS, split on
     * blanks) when set, else C1 only. The control plane waits on etcd and the engine; what it
     * computes is small, and on a small node C2's compile threads took more CPU than everything
     * else Berth did while it started 100 replicas (2026-11-28: 10 CPU-s cold with C2, 5 with C1),
     * CPU the engine needed: see docs/benchmarks.md.
     */
    static List<String> daemonJvmOptions(String options) {
        if (options != null && !options.isBlank()) {
            return List.of(options.strip().split("\\s+"));
        }
        return List.of("-XX:TieredStopAtLevel=1");
    }

    private int runDetached(Path dir, Listen listen) {
        if (listen.port() == 0) {
            throw usage("--detach needs a fixed --listen-addr port (0 picks a random one nobody could find)");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CliException("cannot start the manager in the background: " + e.getMessage(), e);
        }
        Process child = Background.start(childCommand(dir), ManagerFiles.logFile(dir), env().home(), "manager");
        ManagerFiles.writePid(dir, child.pid());
        String url = listen.url(listen.port());
        ApiClient api = new ApiClient(url);
        Background.await(child, api::healthy, START_TIMEOUT, Duration.ofMillis(200), ManagerFiles.logFile(dir),
                new Background.Waiting("manager", "before its API answered", "the manager's API at " + url
                        + " did not answer"),
                () -> ManagerFiles.deletePid(dir, child.pid()));
        new CliConfig(Optional.of(url), Optional.of(dir)).write(CliConfig.file(env().home()));
        String nodeId = api.info().managerNodeId();
        out().println("Cluster initialized: node " + nodeId + " is now a manager.");
        out().println("The manager runs in the background (pid " + child.pid() + ", log " + ManagerFiles.logFile(dir)
                + "); stop it with: berth stop");
        JoinTokensInfo tokens = api.joinTokens();
        out().println();
        out().print(joinInstructions(tokens.worker(), tokens.managerAddresses()));
        return 0;
    }
}
