package dev.berth.agent;

import dev.berth.agent.executor.DockerExecutor;
import dev.berth.agent.session.SessionTls;
import dev.berth.dns.ClusterDns;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How an {@link Agent} runs.
 *
 * @param managers manager API addresses ({@code host:port}), tried in order
 * @param stateDir where the agent keeps its node id between runs
 * @param dockerHost the engine, e.g. {@code unix:///var/run/docker.sock}
 * @param hostname the host name the node reports; the OS's when blank
 * @param advertiseAddress the address other nodes reach this one at; guessed from the host name
 *     when blank
 * @param role {@code worker}, or {@code manager} for a manager's own agent
 * @param labels engine labels a new node gets
 * @param nodeId a fixed node id (a manager's own agent registers as the manager's node); empty
 *     to use the id the managers gave before, or get a new one
 * @param clusterNetwork whether the node joins the cluster network: its tasks' containers on the
 *     node's subnet (Docker network {@code berth}), routes to the other nodes' subnets, the cluster
 *     DNS on the bridge's gateway, and the services' virtual IPs and published ports in iptables.
 *     Off, containers go on the engine's default bridge and nothing of the node's network is
 *     touched (for tests that run several agents in one network namespace)
 * @param workerThreads how many engine calls may run at once
 * @param tls the node certificate, its key and the cluster CA (what {@code berth join} wrote): the
 *     session then goes to the managers' cluster ports over mutual TLS; empty for the local
 *     API's plain session route (a manager's own agent)
 * @param dnsUpstreams where the cluster DNS forwards names that are not the cluster's; by
 *     default the nameservers of the host's resolv.conf ({@link ClusterDns#systemResolvers()})
 */
public record AgentConfig(List<String> managers, Path stateDir, String dockerHost, String hostname,
        String advertiseAddress, String role, Map<String, String> labels, Optional<String> nodeId,
        boolean clusterNetwork, int workerThreads, Optional<SessionTls> tls, List<InetSocketAddress> dnsUpstreams) {

    /** Parallel engine calls by default: enough to start many replicas at once, few enough for a small node. */
    public static final int DEFAULT_WORKER_THREADS = 8;

    public AgentConfig {
        managers = List.copyOf(managers);
        if (managers.isEmpty()) {
            throw new IllegalArgumentException("an agent needs at least one manager address (host:port)");
        }
        dockerHost = dockerHost == null || dockerHost.isBlank() ? DockerExecutor.DEFAULT_HOST : dockerHost;
        hostname = hostname == null || hostname.isBlank() ? localHostname() : hostname;
        advertiseAddress = advertiseAddress == null || advertiseAddress.isBlank() ? localAddress() : advertiseAddress;
        role = role == null || role.isBlank() ? "worker" : role;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        nodeId = nodeId == null ? Optional.empty() : nodeId.filter(s -> !s.isBlank());
        workerThreads = workerThreads <= 0 ? DEFAULT_WORKER_THREADS : workerThreads;
        tls = tls == null ? Optional.empty() : tls;
        dnsUpstreams = dnsUpstreams == null ? ClusterDns.systemResolvers() : List.copyOf(dnsUpstreams);
    }

    /** A worker agent with defaults: the usual Docker socket, the OS's host name, on the cluster network. */
    public static AgentConfig of(List<String> managers, Path stateDir) {
        return new AgentConfig(managers, stateDir, null, null, null, null, null, Optional.empty(), true, 0,
                Optional.empty(), null);
    }

    public AgentConfig withDockerHost(String host) {
        return new AgentConfig(managers, stateDir, host, hostname, advertiseAddress, role, labels, nodeId,
                clusterNetwork, workerThreads, tls, dnsUpstreams);
    }

    public AgentConfig withHostname(String name) {
        return new AgentConfig(managers, stateDir, dockerHost, name, advertiseAddress, role, labels, nodeId,
                clusterNetwork, workerThreads, tls, dnsUpstreams);
    }

    public AgentConfig withAdvertiseAddress(String address) {
        return new AgentConfig(managers, stateDir, dockerHost, hostname, address, role, labels, nodeId,
                clusterNetwork, workerThreads, tls, dnsUpstreams);
    }

    public AgentConfig withRole(String newRole) {
        return new AgentConfig(managers, stateDir, dockerHost, hostname, advertiseAddress, newRole, labels, nodeId,
                clusterNetwork, workerThreads, tls, dnsUpstreams);
    }

    public AgentConfig withLabels(Map<String, String> newLabels) {
        return new AgentConfig(managers, stateDir, dockerHost, hostname, advertiseAddress, role, newLabels, nodeId,
                clusterNetwork, workerThreads, tls, dnsUpstreams);
    }

    /** Registers as node {@code id} (a manager's own agent passes the manager's node id). */
    public AgentConfig withNodeId(String id) {
        return new AgentConfig(managers, stateDir, dockerHost, hostname, advertiseAddress, role, labels,
                Optional.of(id), clusterNetwork, workerThreads, tls, dnsUpstreams);
    }

    /** On the cluster network or not (see {@link #clusterNetwork()}). */
    public AgentConfig withClusterNetwork(boolean on) {
        return new AgentConfig(managers, stateDir, dockerHost, hostname, advertiseAddress, role, labels, nodeId,
                on, workerThreads, tls, dnsUpstreams);
    }


    /** Forwards the names that are not the cluster's to {@code upstreams} (host:port each). */
    public AgentConfig withDnsUpstreams(List<InetSocketAddress> upstreams) {
        return new AgentConfig(managers, stateDir, dockerHost, hostname, advertiseAddress, role, labels, nodeId,
                clusterNetwork, workerThreads, tls, List.copyOf(upstreams));
    }

    public AgentConfig withWorkerThreads(int threads) {
        return new AgentConfig(managers, stateDir, dockerHost, hostname, advertiseAddress, role, labels, nodeId,
                clusterNetwork, threads, tls, dnsUpstreams);
    }

    /** Sessions over mutual TLS with this node certificate (to the managers' cluster ports). */
    public AgentConfig withTls(SessionTls material) {
        return new AgentConfig(managers, stateDir, dockerHost, hostname, advertiseAddress, role, labels, nodeId,
                clusterNetwork, workerThreads, Optional.of(material), dnsUpstreams);
    }

    private static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }

    private static String localAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }
}
