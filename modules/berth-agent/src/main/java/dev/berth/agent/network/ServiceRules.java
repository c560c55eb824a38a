package dev.berth.agent.network;

import dev.berth.api.Cidr;
import dev.berth.api.EndpointAddress;
import dev.berth.api.Endpoints;
import dev.berth.api.PortConfig;
import dev.berth.api.Protocol;
import dev.berth.api.PublishMode;
import dev.berth.api.session.SessionMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The complete set of the node's service rules, computed from the cluster's
 * {@link SessionMessage.NetworkMap} (no I/O): every service's virtual IP and the routing mesh of
 * the published ports, both balanced over the service's ready tasks on any node. Built like
 * kube-proxy's iptables mode:
 *
 * <pre>
 * nat PREROUTING / OUTPUT -&gt; BERTH-SERVICES
 * BERTH-SERVICES   -d VIP/32 (every port and protocol)    -&gt; BERTH-SVC-&lt;hash&gt;  (one rule per service)
 *                  -m addrtype --dst-type LOCAL            -&gt; BERTH-NODEPORTS
 * BERTH-NODEPORTS  --dport published (ingress)             -&gt; BERTH-SVC-&lt;hash&gt;  (tasks on every node)
 *                  --dport published (host mode)           -&gt; BERTH-SVL-&lt;hash&gt;  (tasks on this node)
 * BERTH-SVC/SVL    mark for masquerade, then -m statistic --probability 1/n, 1/(n-1) ... 1
 *                                                          -&gt; BERTH-SEP-&lt;hash&gt; (one per task)
 * BERTH-SEP-&lt;hash&gt; DNAT --to-destination taskIp (virtual IP: port kept) or taskIp:target (published)
 * nat POSTROUTING      -&gt; BERTH-POSTROUTING: MASQUERADE what was marked
 * filter FORWARD       -&gt; BERTH-FORWARD: accept marked packets and the rest of DNATed connections
 * filter FORWARD, OUTPUT (new connections) -&gt; BERTH-SERVICES: REJECT a VIP with no ready task
 * filter INPUT         -&gt; BERTH-FIREWALL: drop 127.0.0.0/8 traffic from outside (route_localnet)
 * </pre>
 *
 * <p>Virtual IPs are not addresses of any interface, so the nat jumps match every destination;
 * published ports answer on the node's own addresses only (127.0.0.1 included). A virtual IP
 * forwards every port and protocol with the port unchanged, as Swarm's do: a service need not
 * declare the ports other services reach it on (redis' 6379). A virtual IP whose service has no
 * ready task is rejected in the filter table, as kube-proxy does,
 * so that clients get "connection refused" at once instead of a timeout (the packet would
 * otherwise leave by the default route). A published port with no ready task has no rule at
 * all, so the kernel refuses the connection itself.
 *
 * <p>All of this traffic is masqueraded, virtual IPs included, as Swarm's ingress network does
 * (so the tasks never see their clients' source addresses). The routing mesh needs it: a
 * task on another node must answer through this node, where the connection's NAT is undone.
 * Traffic from 127.0.0.1 needs it (a container cannot answer 127.0.0.1). Virtual IPs need it
 * for the tasks on this node's bridge: without masquerade a task reached through a VIP (or
 * through the node's address) by a neighbour on the same bridge answers it directly, at layer 2,
 * with its own address, which the client never connected to; only {@code br_netfilter} would
 * send such bridged replies through conntrack, and the agent does not rely on it. Hairpin (a
 * task reaching its own service and being balanced onto itself) is the extreme case of this.
 * Masquerading everything keeps one path for all of them.
 *
 * <p>{@link #render(Set)} gives {@code iptables-restore --noflush} input that flushes and refills
 * only Berth's own chains in one atomic transaction (and deletes the per-service and per-task
 * chains that are no longer wanted); the jump rules from the built-in chains are not part of it
 * ({@link #jumps(Options)}, applied idempotently with {@code iptables -C} / {@code -I}).
 */
public final class ServiceRules {

    /** Which bit of the packet mark asks for masquerade, and the chain names' prefix. */
    public record Options(String prefix, int masqueradeMark) {

        // Declared before DEFAULT: static initializers run in order.
        private static final Pattern PREFIX = Pattern.compile("[A-Z][A-Z0-9]{0,6}");

        /** Chain prefix {@code BERTH}, mark bit 0x200000 (kube-proxy uses 0x4000 and 0x8000). */
        public static final Options DEFAULT = new Options("BERTH", 0x200000);

        public Options {
            // iptables chain names are at most 28 characters: prefix + "-SVC-" + 16 hex digits.
            if (prefix == null || !PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException(
                        "chain prefix must be 1 to 7 upper-case letters or digits, got " + prefix);
            }
            if (Integer.bitCount(masqueradeMark) != 1) {
                throw new IllegalArgumentException(
                        "masquerade mark must be a single bit, got 0x" + Integer.toHexString(masqueradeMark));
            }
        }

        /**
         * The chain nat PREROUTING and OUTPUT jump to (virtual IPs, then the node's published
         * ports); in the filter table, the chain that rejects virtual IPs without ready tasks
         * (kube-proxy names both {@code KUBE-SERVICES} too).
         */
        public String servicesChain() {
            return prefix + "-SERVICES";
        }

        /** The nat chain of the ports published on the node's own addresses. */
        public String nodePortsChain() {
            return prefix + "-NODEPORTS";
        }

        /** The chain that marks a packet for masquerade. */
        public String markMasqChain() {
            return prefix + "-MARK-MASQ";
        }

        /** The chain nat POSTROUTING jumps to. */
        public String postroutingChain() {
            return prefix + "-POSTROUTING";
        }

        /** The filter chain FORWARD jumps to. */
        public String forwardChain() {
            return prefix + "-FORWARD";
        }

        /** The filter chain INPUT jumps to. */
        public String firewallChain() {
            return prefix + "-FIREWALL";
        }

        /** Whether a chain name is one of ours (any table). */
        public boolean owns(String chain) {
            return chain.startsWith(prefix + "-");
        }

        String mark() {
            return "0x" + Integer.toHexString(masqueradeMark);
        }
    }

    /**
     * One ready task behind a service port.
     *
     * @param taskId the task
     * @param nodeId the node it runs on
     * @param ip its container's address on the cluster network
     * @param targetPort the port inside the container
     * @param chain its {@code BERTH-SEP-<hash>} chain
     */
    public record Backend(String taskId, String nodeId, String ip, int targetPort, String chain) {
    }

    /**
     * A balancing chain: one service port (protocol and target) spread over ready tasks.
     *
     * @param serviceName the service
     * @param protocol tcp or udp (a virtual IP's balancer, which takes every protocol, says tcp)
     * @param targetPort the port inside the containers
     * @param nodeLocal whether only the tasks on this node are used (host-mode published ports)
     * @param chain its {@code BERTH-SVC-<hash>} (cluster-wide) or {@code BERTH-SVL-<hash>} (this
     *     node) chain
     * @param backends the ready tasks, ordered by task id; empty when there is none
     */
    public record Balancer(String serviceName, Protocol protocol, int targetPort, boolean nodeLocal, String chain,
            List<Backend> backends) {

        public Balancer {
            backends = List.copyOf(backends);
        }

        /** Whether this is a virtual IP's balancer: every port and protocol, the port unchanged. */
        public boolean allPorts() {
            return targetPort == ALL_PORTS;
        }

        /** Display form, e.g. {@code web 80/tcp} or {@code web all ports}. */
        String label() {
            return serviceName + " " + (allPorts() ? "all ports" : targetPort + "/" + protocol.value())
                    + (nodeLocal ? " on this node" : "");
        }
    }

    /**
     * The target port of a virtual IP's balancer: a virtual IP forwards every port of every
     * protocol to the same port of a task, as Swarm's does (a service need not declare the ports
     * other services reach it on, e.g. redis' 6379).
     */
    public static final int ALL_PORTS = 0;

    /**
     * A service's virtual IP.
     *
     * @param virtualIp the service's virtual IP
     * @param balancer where its traffic goes (every port: {@link Balancer#allPorts()}); without
     *     backends the virtual IP is rejected
     */
    public record VirtualIpPort(String virtualIp, Balancer balancer) {
    }

    /**
     * A port published on the node's own addresses.
     *
     * @param port the published port
     * @param mode ingress (tasks on every node) or host (tasks on this node)
     * @param balancer where its traffic goes; always with backends (a port without any has no rule)
     */
    public record NodePort(PublishedPort port, PublishMode mode, Balancer balancer) {

        /** The service that owns the port. */
        public String serviceName() {
            return balancer.serviceName();
        }
    }

    /**
     * A rule in a built-in chain that jumps to one of Berth's chains.
     *
     * @param table nat or filter
     * @param chain the built-in chain
     * @param spec the rule's match and target, as {@code iptables} arguments
     */
    public record JumpRule(String table, String chain, List<String> spec) {

        public JumpRule {
            spec = List.copyOf(spec);
        }
    }

    private static final Pattern UNSAFE_COMMENT = Pattern.compile("[^A-Za-z0-9._:/>+ -]");



    private final Options options;
    private final List<VirtualIpPort> virtualIpPorts;
    private final List<NodePort> nodePorts;
    private final List<String> conflicts;

    private ServiceRules(Options options, List<VirtualIpPort> virtualIpPorts, List<NodePort> nodePorts,
            List<String> conflicts) {
        this.options = options;
        this.virtualIpPorts = List.copyOf(virtualIpPorts);
        this.nodePorts = List.copyOf(nodePorts);
        this.conflicts = List.copyOf(conflicts);
    }

    /** Computes the rules of this network map with the default names. */
    public static ServiceRules compute(SessionMessage.NetworkMap map, String localNodeId) {
        return compute(Options.DEFAULT, map, localNodeId);
    }

    /**
     * Computes the rules of this network map for the node {@code localNodeId} (which decides the
     * tasks of host-mode ports; empty when the node has no id yet: then host-mode ports have
     * none). Only ready addresses with an IPv4 address receive traffic. When two services
     * publish the same port (the API refuses it), the service whose name sorts first keeps it and
     * the clash is listed in {@link #conflicts()}.
     */
    public static ServiceRules compute(Options options, SessionMessage.NetworkMap map, String localNodeId) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(map, "map");
        String local = localNodeId == null ? "" : localNodeId;
        TreeMap<String, Endpoints> services = new TreeMap<>();
        for (Endpoints e : map.services()) {
            services.putIfAbsent(e.metadata().name(), e);
        }
        List<VirtualIpPort> vips = new ArrayList<>();
        // port -> service -> its first port config publishing it; sorted for deterministic output.
        Map<PublishedPort, TreeMap<String, PortConfig>> published = new TreeMap<>();
        Map<String, Balancer> balancers = new LinkedHashMap<>();
        for (Endpoints service : services.values()) {
            String name = service.metadata().name();
            List<ReadyTask> all = readyTasks(service);
            if (Cidr.isAddress(service.virtualIp())) {
                PortConfig every = new PortConfig(0, ALL_PORTS, Protocol.TCP, PublishMode.INGRESS);
                vips.add(new VirtualIpPort(service.virtualIp(), balancer(balancers, options, name, every, false, all,
                        local)));
            }
            for (PortConfig p : service.ports()) {
                if (p.published() >= 1 && p.published() <= 65535 && p.target() >= 1 && p.target() <= 65535) {
                    published.computeIfAbsent(new PublishedPort(p.published(), p.protocol()), k -> new TreeMap<>())
                            .putIfAbsent(name, p);
                }
            }
        }
        List<NodePort> nodePorts = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        for (Map.Entry<PublishedPort, TreeMap<String, PortConfig>> e : published.entrySet()) {
            PublishedPort port = e.getKey();
            String owner = e.getValue().firstKey();
            if (e.getValue().size() > 1) {
                conflicts.add("port " + port + " is published by services " + String.join(", ", e.getValue().keySet())
                        + "; only " + owner + " receives its traffic");
            }
            PortConfig config = e.getValue().firstEntry().getValue();
            boolean hostMode = config.publishMode() == PublishMode.HOST;
            Balancer b = balancer(balancers, options, owner, config, hostMode,
                    readyTasks(services.get(owner)), local);
            if (!b.backends().isEmpty()) {
                nodePorts.add(new NodePort(port, config.publishMode(), b));
            }
        }
        return new ServiceRules(options, vips, nodePorts, conflicts);
    }

    /** A ready task of a service, before it is tied to a port. */
    private record ReadyTask(String taskId, String nodeId, String ip) {
    }

    /** The service's ready tasks with an IPv4 address, by task id, each once. */
    private static List<ReadyTask> readyTasks(Endpoints endpoints) {
        TreeMap<String, EndpointAddress> byTask = new TreeMap<>();
        for (EndpointAddress a : endpoints.readyAddresses()) {
            // Checked here because one bad address would make the whole iptables-restore fail.
            if (Cidr.isAddress(a.ip()) && !a.taskId().isEmpty()) {
                byTask.putIfAbsent(a.taskId(), a);
            }
        }
        List<ReadyTask> result = new ArrayList<>();
        for (EndpointAddress a : byTask.values()) {
            result.add(new ReadyTask(a.taskId(), a.nodeId(), a.ip()));
        }
        return result;
    }

    private static Balancer balancer(Map<String, Balancer> balancers, Options options, String service,
            PortConfig port, boolean nodeLocal, List<ReadyTask> tasks, String localNodeId) {
        String key = service + "/" + port.target() + "/" + port.protocol().value();
        String chain = options.prefix() + (nodeLocal ? "-SVL-" : "-SVC-") + hash(key);
        return balancers.computeIfAbsent(chain, c -> {
            List<Backend> backends = new ArrayList<>();
            for (ReadyTask t : tasks) {
                if (nodeLocal && (localNodeId.isEmpty() || !localNodeId.equals(t.nodeId()))) {
                    continue;
                }
                // The same chain for the cluster-wide and the node-local balancer of a task.
                String sep = options.prefix() + "-SEP-" + hash(key + "/" + t.taskId() + "/" + t.ip());
                backends.add(new Backend(t.taskId(), t.nodeId(), t.ip(), port.target(), sep));
            }
            return new Balancer(service, port.protocol(), port.target(), nodeLocal, c, backends);
        });
    }

    /** The virtual IPs, one per service, by service name. */
    public List<VirtualIpPort> virtualIpPorts() {
        return virtualIpPorts;
    }

    /** The ports published on this node that have tasks, ordered by protocol then port. */
    public List<NodePort> nodePorts() {
        return nodePorts;
    }

    /** Sentences describing ports claimed by more than one service; empty normally. */
    public List<String> conflicts() {
        return conflicts;
    }

    /** The options these rules were computed with. */
    public Options options() {
        return options;
    }

    /** Which service owns each port published on this node (those with a rule). */
    public Map<PublishedPort, String> owners() {
        Map<PublishedPort, String> owners = new LinkedHashMap<>();
        for (NodePort np : nodePorts) {
            owners.put(np.port(), np.serviceName());
        }
        return Collections.unmodifiableMap(owners);
    }

    /** The tasks on the given node that receive traffic (for the bridges' hairpin mode). */
    public Set<String> localAddresses(String localNodeId) {
        Set<String> ips = new LinkedHashSet<>();
        for (Balancer b : balancers()) {
            for (Backend backend : b.backends()) {
                if (!localNodeId.isEmpty() && localNodeId.equals(backend.nodeId())) {
                    ips.add(backend.ip());
                }
            }
        }
        return ips;
    }

    /** The balancers with tasks, in the order their rules are written. */
    private List<Balancer> balancers() {
        Map<String, Balancer> result = new LinkedHashMap<>();
        for (VirtualIpPort v : virtualIpPorts) {
            if (!v.balancer().backends().isEmpty()) {
                result.putIfAbsent(v.balancer().chain(), v.balancer());
            }
        }
        for (NodePort np : nodePorts) {
            result.putIfAbsent(np.balancer().chain(), np.balancer());
        }
        return List.copyOf(result.values());
    }

    /** The task chains, each once (a task may be behind a cluster-wide and a node-local balancer). */
    private Set<String> endpointChains() {
        Set<String> chains = new LinkedHashSet<>();
        for (Balancer b : balancers()) {
            for (Backend backend : b.backends()) {
                chains.add(backend.chain());
            }
        }
        return chains;
    }

    /** The nat chains these rules use (fixed chains first, then per-port and per-task ones). */
    public Set<String> natChains() {
        Set<String> chains = new LinkedHashSet<>();
        chains.add(options.servicesChain());
        chains.add(options.nodePortsChain());
        chains.add(options.markMasqChain());
        chains.add(options.postroutingChain());
        for (Balancer b : balancers()) {
            chains.add(b.chain());
        }
        chains.addAll(endpointChains());
        return chains;
    }

    /** The filter chains these rules use. */
    public Set<String> filterChains() {
        Set<String> chains = new LinkedHashSet<>();
        chains.add(options.servicesChain());
        chains.add(options.forwardChain());
        chains.add(options.firewallChain());
        return chains;
    }

    /** The rules as {@code iptables-restore --noflush} input, with nothing stale to delete. */
    public String render() {
        return render(Set.of());
    }

    /**
     * The rules as {@code iptables-restore --noflush} input. Declaring a chain in a noflush
     * restore creates it or empties it, so each of Berth's chains is refilled from scratch in one
     * transaction; chains of ours in {@code existingNatChains} that are no longer wanted are
     * emptied and deleted in the same transaction. Other chains are never touched.
     *
     * @param existingNatChains the names of the chains now in the nat table (any owner)
     */
    public String render(Set<String> existingNatChains) {
        Set<String> wanted = natChains();
        Set<String> stale = new TreeSet<>();
        for (String chain : existingNatChains) {
            if (options.owns(chain) && !wanted.contains(chain)) {
                stale.add(chain);
            }
        }
        String mark = options.mark();
        StringBuilder out = new StringBuilder();
        out.append("*nat\n");
        for (String chain : wanted) {
            out.append(':').append(chain).append(" - [0:0]\n");
        }
        for (String chain : stale) {
            out.append(':').append(chain).append(" - [0:0]\n");
        }
        rule(out, options.markMasqChain(), "-j MARK --or-mark " + mark);
        rule(out, options.postroutingChain(), "-m mark ! --mark " + mark + "/" + mark + " -j RETURN");
        // Clear the bit so a packet that passes POSTROUTING again (e.g. re-routed) is not
        // masqueraded twice; as kube-proxy does.
        rule(out, options.postroutingChain(), "-j MARK --xor-mark " + mark);
        rule(out, options.postroutingChain(),
                "-m comment --comment \"masquerade service traffic\" -j MASQUERADE");
        for (VirtualIpPort v : virtualIpPorts) {
            Balancer b = v.balancer();
            if (b.backends().isEmpty()) {
                continue;
            }
            rule(out, options.servicesChain(), "-d " + v.virtualIp() + "/32"
                    + " -m comment --comment \"" + comment(b.label() + " virtual IP") + "\" -j " + b.chain());
        }
        // Last, as kube-proxy's KUBE-NODEPORTS: virtual IPs are never local addresses.
        rule(out, options.servicesChain(), "-m comment --comment \"published ports\""
                + " -m addrtype --dst-type LOCAL -j " + options.nodePortsChain());
        for (NodePort np : nodePorts) {
            String proto = np.port().protocol().value();
            String name = comment(np.serviceName() + " " + np.port() + " published"
                    + (np.mode() == PublishMode.HOST ? " host-mode" : ""));
            rule(out, options.nodePortsChain(), "-p " + proto + " -m comment --comment \"" + name + "\" -m " + proto
                    + " --dport " + np.port().port() + " -j " + np.balancer().chain());
        }
        Map<String, String> endpointRules = new LinkedHashMap<>();
        for (Balancer b : balancers()) {
            String proto = b.protocol().value();
            rule(out, b.chain(), "-m comment --comment \"" + comment(b.label()) + "\" -j " + options.markMasqChain());
            int n = b.backends().size();
            for (int i = 0; i < n; i++) {
                Backend backend = b.backends().get(i);
                String to = comment(b.serviceName() + " " + (b.allPorts() ? "all ports" : b.targetPort() + "/" + proto)
                        + " -> " + backend.taskId());
                if (i < n - 1) {
                    // The i-th of n endpoints is picked with probability 1/(n-i) among those left,
                    // which gives each endpoint 1/n overall.
                    rule(out, b.chain(), "-m comment --comment \"" + to + "\" -m statistic --mode random"
                            + " --probability " + probability(n - i) + " -j " + backend.chain());
                } else {
                    rule(out, b.chain(), "-m comment --comment \"" + to + "\" -j " + backend.chain());
                }
                endpointRules.putIfAbsent(backend.chain(), b.allPorts()
                        ? "-m comment --comment \"" + to + "\" -j DNAT --to-destination " + backend.ip()
                        : "-p " + proto + " -m comment --comment \"" + to + "\" -m " + proto
                                + " -j DNAT --to-destination " + backend.ip() + ":" + backend.targetPort());
            }
        }
        for (Map.Entry<String, String> e : endpointRules.entrySet()) {
            rule(out, e.getKey(), e.getValue());
        }
        for (String chain : stale) {
            out.append("-X ").append(chain).append('\n');
        }
        out.append("COMMIT\n");
        out.append("*filter\n");
        for (String chain : filterChains()) {
            out.append(':').append(chain).append(" - [0:0]\n");
        }
        // Only the first packet of a connection goes through nat (and gets the mark). The engine
        // accepts the rest of a connection to one of its bridges, but not a routing-mesh
        // connection to a task on another node (in and out by the node's uplink, the replies
        // addressed to the client): conntrack's state accepts those, as kube-proxy's KUBE-FORWARD
        // does, but only for DNATed connections, so that other traffic still meets DOCKER-USER.
        rule(out, options.forwardChain(), "-m comment --comment \"forward service traffic to tasks\""
                + " -m mark --mark " + mark + "/" + mark + " -j ACCEPT");
        rule(out, options.forwardChain(), "-m comment --comment \"forward the rest of service connections\""
                + " -m conntrack --ctstate RELATED,ESTABLISHED -m conntrack --ctstate DNAT -j ACCEPT");
        // route_localnet=1 would otherwise let other hosts reach 127.0.0.0/8 services (as
        // kube-proxy guards against, CVE-2020-8558).
        rule(out, options.firewallChain(), "! -s 127.0.0.0/8 -d 127.0.0.0/8"
                + " -m comment --comment \"block incoming localnet connections\""
                + " -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP");
        for (VirtualIpPort v : virtualIpPorts) {
            Balancer b = v.balancer();
            if (!b.backends().isEmpty()) {
                continue;
            }
            rule(out, options.servicesChain(), "-d " + v.virtualIp() + "/32"
                    + " -m comment --comment \"" + comment(b.label() + " has no ready tasks") + "\""
                    + " -j REJECT --reject-with icmp-port-unreachable");
        }
        out.append("COMMIT\n");
        return out.toString();
    }

    /**
     * {@code iptables-restore --noflush} input that empties and deletes every chain of ours
     * among the given ones; empty text when there is none. The jump rules must be deleted first
     * (a referenced chain cannot be deleted).
     */
    public static String renderRemoval(Options options, Set<String> existingNatChains,
            Set<String> existingFilterChains) {
        StringBuilder out = new StringBuilder();
        removal(out, "nat", options, existingNatChains);
        removal(out, "filter", options, existingFilterChains);
        return out.toString();
    }

    private static void removal(StringBuilder out, String table, Options options, Set<String> existing) {
        Set<String> ours = new TreeSet<>();
        for (String chain : existing) {
            if (options.owns(chain)) {
                ours.add(chain);
            }
        }
        if (ours.isEmpty()) {
            return;
        }
        out.append('*').append(table).append('\n');
        for (String chain : ours) {
            out.append(':').append(chain).append(" - [0:0]\n");
        }
        for (String chain : ours) {
            out.append("-X ").append(chain).append('\n');
        }
        out.append("COMMIT\n");
    }

    /** The jump rules from the built-in chains into ours, in the order they are inserted. */
    public static List<JumpRule> jumps(Options options) {
        List<String> portals = List.of("-m", "comment", "--comment", "berth service portals",
                "-j", options.servicesChain());
        // Only new connections: the packets of an accepted one are never rejected afterwards.
        List<String> noTasks = List.of("-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment",
                "berth services without tasks", "-j", options.servicesChain());
        return List.of(
                new JumpRule("nat", "PREROUTING", portals),
                new JumpRule("nat", "OUTPUT", portals),
                new JumpRule("nat", "POSTROUTING", List.of("-m", "comment", "--comment",
                        "berth service traffic", "-j", options.postroutingChain())),
                new JumpRule("filter", "FORWARD", noTasks),
                new JumpRule("filter", "OUTPUT", noTasks),
                new JumpRule("filter", "FORWARD", List.of("-m", "comment", "--comment",
                        "berth service traffic", "-j", options.forwardChain())),
                new JumpRule("filter", "INPUT", List.of("-m", "comment", "--comment",
                        "berth localnet guard", "-j", options.firewallChain())));
    }

    /**
     * Jump rules of earlier agent versions (published ports on this node only), deleted when
     * found so that an upgraded node does not keep them.
     */
    public static List<JumpRule> legacyJumps(Options options) {
        List<String> local = List.of("-m", "comment", "--comment", "berth published ports",
                "-m", "addrtype", "--dst-type", "LOCAL", "-j", options.servicesChain());
        return List.of(
                new JumpRule("nat", "PREROUTING", local),
                new JumpRule("nat", "OUTPUT", local),
                new JumpRule("nat", "POSTROUTING", List.of("-m", "comment", "--comment",
                        "berth published ports", "-j", options.postroutingChain())),
                new JumpRule("filter", "FORWARD", List.of("-m", "comment", "--comment",
                        "berth published ports", "-j", options.forwardChain())));
    }

    /** kube-proxy's format: ten decimals, e.g. 0.3333333333 for one in three. */
    static String probability(int remaining) {
        return String.format(Locale.ROOT, "%.10f", 1.0 / remaining);
    }

    private static void rule(StringBuilder out, String chain, String spec) {
        out.append("-A ").append(chain).append(' ').append(spec).append('\n');
    }

    private static String comment(String text) {
        return UNSAFE_COMMENT.matcher(text).replaceAll("_");
    }

    /** 16 hex digits of SHA-256: stable across restarts, so unchanged chains keep their names. */
    static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().withUpperCase().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    /** One line per rule kind, for the log, e.g. {@code 10.43.0.2 (all ports) -> web (2 tasks), 4567/tcp -> web (2 tasks)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (VirtualIpPort v : virtualIpPorts) {
            append(sb, v.virtualIp() + " (all ports)", v.balancer());
        }
        for (NodePort np : nodePorts) {
            append(sb, np.port() + (np.mode() == PublishMode.HOST ? " (host)" : ""), np.balancer());
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }

    private static void append(StringBuilder sb, String what, Balancer b) {
        if (!sb.isEmpty()) {
            sb.append(", ");
        }
        int n = b.backends().size();
        sb.append(what).append(" -> ").append(b.serviceName()).append(" (")
                .append(n == 0 ? "no task, rejected" : n == 1 ? "1 task" : n + " tasks").append(')');
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServiceRules other && options.equals(other.options)
                && virtualIpPorts.equals(other.virtualIpPorts) && nodePorts.equals(other.nodePorts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(options, virtualIpPorts, nodePorts);
    }

    @Override
    public String toString() {
        return "ServiceRules[" + describe() + "]";
    }
}
