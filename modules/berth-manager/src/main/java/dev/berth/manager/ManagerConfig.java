package dev.berth.manager;

import dev.berth.api.NetworkSpec;
import dev.berth.manager.dispatcher.DispatcherConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link Manager} runs: where it keeps state, which etcd it uses (an embedded member, or
 * external endpoints), where the API and the cluster port listen and what its node reports.
 *
 * <p>Start from {@link #defaults()} and change what differs with the {@code with...} methods:
 * <pre>{@code
 * ManagerConfig config = ManagerConfig.defaults()
 *         .withStateDir(Path.of("/var/lib/berth"))
 *         .withListen("0.0.0.0", 4243)
 *         .withAdvertiseAddress("10.0.0.1");
 * }</pre>
 *
 * @param stateDir the manager's state directory: {@code node-id} and the embedded etcd's data
 * @param etcdBinary the etcd executable; empty to look for {@code etcd} on the PATH
 * @param etcdClientPort the embedded etcd's loopback client port
 * @param etcdPeerPort the embedded etcd's loopback peer port
 * @param etcdEndpoints external etcd endpoints; when not empty no etcd is launched
 * @param etcdPrefix the key prefix inside etcd ({@code ""} in production, one per test)
 * @param listenHost the address the API listens on
 * @param listenPort the API port; 0 picks a free one (see {@link Manager#apiPort()})
 * @param advertiseAddress the address other nodes and clients reach this manager at; empty for
 *     the listen address (or this host's address when listening on every interface)
 * @param maxBodyBytes the largest request body the API accepts
 * @param hostname the host name this manager's node reports
 * @param nodeId this manager's node id; empty to read it from {@code <stateDir>/node-id}, or
 *     generate and write it there on the first start
 * @param electionTtl the lease of the leader election: a dead leader is replaced within about this
 * @param dispatcher how agent sessions run (heartbeat period, liveness grace, status batches)
 * @param clusterListenHost the address the cluster port (TLS: joins and agent sessions with
 *     node certificates) listens on
 * @param clusterListenPort the cluster port; 0 picks a free one (see {@link Manager#clusterPort()})
 * @param network the cluster network's address plan written into the Cluster object when this
 *     manager creates it ({@code berth init --container-cidr …}); a cluster that exists keeps its own
 */
public record ManagerConfig(
        Path stateDir,
        Optional<Path> etcdBinary,
        int etcdClientPort,
        int etcdPeerPort,
        List<String> etcdEndpoints,
        String etcdPrefix,
        String listenHost,
        int listenPort,
        String advertiseAddress,
        long maxBodyBytes,
        String hostname,
        Optional<String> nodeId,
        Duration electionTtl,
        DispatcherConfig dispatcher,
        String clusterListenHost,
        int clusterListenPort,
        NetworkSpec network) {

    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/berth");
    public static final int DEFAULT_ETCD_CLIENT_PORT = 4379;
    public static final int DEFAULT_ETCD_PEER_PORT = 4380;
    public static final String DEFAULT_LISTEN_HOST = "127.0.0.1";
    public static final int DEFAULT_API_PORT = 4243;
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_ELECTION_TTL = Duration.ofSeconds(5);
    /** The cluster port listens on every interface: other servers join and connect there. */
    public static final String DEFAULT_CLUSTER_LISTEN_HOST = "0.0.0.0";
    public static final int DEFAULT_CLUSTER_PORT = 4242;

    public ManagerConfig {
        Objects.requireNonNull(stateDir, "stateDir");
        etcdBinary = etcdBinary == null ? Optional.empty() : etcdBinary;
        etcdEndpoints = etcdEndpoints == null ? List.of() : List.copyOf(etcdEndpoints);
        etcdPrefix = etcdPrefix == null ? "" : etcdPrefix;
        listenHost = listenHost == null || listenHost.isBlank() ? DEFAULT_LISTEN_HOST : listenHost;
        advertiseAddress = advertiseAddress == null ? "" : advertiseAddress;
        hostname = hostname == null || hostname.isBlank() ? localHostname() : hostname;
        nodeId = nodeId == null ? Optional.empty() : nodeId.filter(s -> !s.isBlank());
        electionTtl = electionTtl == null ? DEFAULT_ELECTION_TTL : electionTtl;
        dispatcher = dispatcher == null ? DispatcherConfig.defaults() : dispatcher;
        network = network == null ? NetworkSpec.DEFAULT : network;
        clusterListenHost = clusterListenHost == null || clusterListenHost.isBlank() ? DEFAULT_CLUSTER_LISTEN_HOST
                : clusterListenHost;
        if (clusterListenPort < 0 || clusterListenPort > 65535) {
            throw new IllegalArgumentException("cluster port must be in 0..65535, got " + clusterListenPort);
        }
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("API port must be in 0..65535, got " + listenPort);
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("max body bytes must be > 0, got " + maxBodyBytes);
        }
        if (electionTtl.toSeconds() < 1) {
            throw new IllegalArgumentException("election TTL must be at least 1s, got " + electionTtl);
        }
    }

    /**
     * The defaults: embedded etcd on 4379/4380 (not etcd's own 2379/2380, where Debian's
     * etcd-server package runs its service once installed), API on 127.0.0.1:4243, state in /var/lib/berth. */
    public static ManagerConfig defaults() {
        return new ManagerConfig(DEFAULT_STATE_DIR, Optional.empty(), DEFAULT_ETCD_CLIENT_PORT,
                DEFAULT_ETCD_PEER_PORT, List.of(), "", DEFAULT_LISTEN_HOST, DEFAULT_API_PORT, "",
                DEFAULT_MAX_BODY_BYTES, null, Optional.empty(), DEFAULT_ELECTION_TTL, DispatcherConfig.defaults(),
                DEFAULT_CLUSTER_LISTEN_HOST, DEFAULT_CLUSTER_PORT, NetworkSpec.DEFAULT);
    }

    public ManagerConfig withStateDir(Path dir) {
        return new ManagerConfig(dir, etcdBinary, etcdClientPort, etcdPeerPort, etcdEndpoints, etcdPrefix,
                listenHost, listenPort, advertiseAddress, maxBodyBytes, hostname, nodeId, electionTtl, dispatcher, clusterListenHost, clusterListenPort, network);
    }

    public ManagerConfig withEtcdBinary(Path binary) {
        return new ManagerConfig(stateDir, Optional.ofNullable(binary), etcdClientPort, etcdPeerPort,
                etcdEndpoints, etcdPrefix, listenHost, listenPort, advertiseAddress, maxBodyBytes, hostname,
                nodeId, electionTtl, dispatcher, clusterListenHost, clusterListenPort, network);
    }

    /** Ports of the embedded etcd. */
    public ManagerConfig withEtcdPorts(int clientPort, int peerPort) {
        return new ManagerConfig(stateDir, etcdBinary, clientPort, peerPort, etcdEndpoints, etcdPrefix,
                listenHost, listenPort, advertiseAddress, maxBodyBytes, hostname, nodeId, electionTtl, dispatcher, clusterListenHost, clusterListenPort, network);
    }

    /** Use an external etcd (no embedded member) with all keys under {@code prefix}. */
    public ManagerConfig withExternalEtcd(List<String> endpoints, String prefix) {
        return new ManagerConfig(stateDir, etcdBinary, etcdClientPort, etcdPeerPort, endpoints, prefix,
                listenHost, listenPort, advertiseAddress, maxBodyBytes, hostname, nodeId, electionTtl, dispatcher, clusterListenHost, clusterListenPort, network);
    }

    public ManagerConfig withListen(String host, int port) {
        return new ManagerConfig(stateDir, etcdBinary, etcdClientPort, etcdPeerPort, etcdEndpoints, etcdPrefix,
                host, port, advertiseAddress, maxBodyBytes, hostname, nodeId, electionTtl, dispatcher, clusterListenHost, clusterListenPort, network);
    }

    public ManagerConfig withAdvertiseAddress(String address) {
        return new ManagerConfig(stateDir, etcdBinary, etcdClientPort, etcdPeerPort, etcdEndpoints, etcdPrefix,
                listenHost, listenPort, address, maxBodyBytes, hostname, nodeId, electionTtl, dispatcher, clusterListenHost, clusterListenPort, network);
    }

    public ManagerConfig withMaxBodyBytes(long bytes) {
        return new ManagerConfig(stateDir, etcdBinary, etcdClientPort, etcdPeerPort, etcdEndpoints, etcdPrefix,
                listenHost, listenPort, advertiseAddress, bytes, hostname, nodeId, electionTtl, dispatcher, clusterListenHost, clusterListenPort, network);
    }

    public ManagerConfig withHostname(String name) {
        return new ManagerConfig(stateDir, etcdBinary, etcdClientPort, etcdPeerPort, etcdEndpoints, etcdPrefix,
                listenHost, listenPort, advertiseAddress, maxBodyBytes, name, nodeId, electionTtl, dispatcher, clusterListenHost, clusterListenPort, network);
    }

    /** A fixed node id instead of {@code <stateDir>/node-id}. */
    public ManagerConfig withNodeId(String id) {
        return new ManagerConfig(stateDir, etcdBinary, etcdClientPort, etcdPeerPort, etcdEndpoints, etcdPrefix,
                listenHost, listenPort, advertiseAddress, maxBodyBytes, hostname, Optional.ofNullable(id),
                electionTtl, dispatcher, clusterListenHost, clusterListenPort, network);
    }

    public ManagerConfig withElectionTtl(Duration ttl) {
        return new ManagerConfig(stateDir, etcdBinary, etcdClientPort, etcdPeerPort, etcdEndpoints, etcdPrefix,
                listenHost, listenPort, advertiseAddress, maxBodyBytes, hostname, nodeId, ttl, dispatcher, clusterListenHost, clusterListenPort, network);
    }

    public ManagerConfig withDispatcher(DispatcherConfig config) {
        return new ManagerConfig(stateDir, etcdBinary, etcdClientPort, etcdPeerPort, etcdEndpoints, etcdPrefix,
                listenHost, listenPort, advertiseAddress, maxBodyBytes, hostname, nodeId, electionTtl, config, clusterListenHost, clusterListenPort, network);
    }

    /** Where the cluster port listens ({@code 0.0.0.0:4242} by default). */
    public ManagerConfig withClusterListen(String host, int port) {
        return new ManagerConfig(stateDir, etcdBinary, etcdClientPort, etcdPeerPort, etcdEndpoints, etcdPrefix,
                listenHost, listenPort, advertiseAddress, maxBodyBytes, hostname, nodeId, electionTtl, dispatcher,
                host, port, network);
    }

    /**
     * The cluster network to create the cluster with (used only by the manager that creates the
     * Cluster object).
     */
    public ManagerConfig withNetwork(NetworkSpec newNetwork) {
        return new ManagerConfig(stateDir, etcdBinary, etcdClientPort, etcdPeerPort, etcdEndpoints, etcdPrefix,
                listenHost, listenPort, advertiseAddress, maxBodyBytes, hostname, nodeId, electionTtl, dispatcher,
                clusterListenHost, clusterListenPort, newNetwork);
    }

    /** Whether this manager launches its own etcd member. */
    public boolean embeddedEtcd() {
        return etcdEndpoints.isEmpty();
    }

    /**
     * The address to advertise (node address, join command, cluster certificate): the configured
     * one; else the cluster port's host when it is bound to one address; else the API's host when
     * it is neither a wildcard nor loopback; else the address of the default route's interface.
     */
    public String effectiveAdvertiseAddress() {
        if (!advertiseAddress.isBlank()) {
            return advertiseAddress;
        }
        // a cluster port bound to one address can be reached at that one only
        if (!isWildcard(clusterListenHost)) {
            return clusterListenHost;
        }
        if (!isWildcard(listenHost) && !isLoopback(listenHost)) {
            return listenHost;
        }
        // what `berth init` prints in its join command: an address other servers can reach
        return DefaultRoute.ipv4Address().orElse("127.0.0.1");
    }

    /** Whether {@code host} is a listen address meaning every address of the server. */
    public static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    private static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }
}
