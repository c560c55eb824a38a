package dev.berth.agent.network;

import dev.berth.api.PortConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
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
 * The complete set of DNAT rules for the ports published on this node, computed from the
 * locally running tasks (no I/O). Built like kube-proxy's iptables mode:
 *
 * <pre>
 * nat PREROUTING / OUTPUT  -m addrtype --dst-type LOCAL  -&gt; BERTH-SERVICES
 * BERTH-SERVICES   one rule per published port           -&gt; BERTH-SVC-&lt;hash&gt;
 * BERTH-SVC-&lt;hash&gt;  mark for masquerade, then -m statistic --probability 1/n, 1/(n-1) ... 1
 *                                                        -&gt; BERTH-SEP-&lt;hash&gt; (one per task)
 * BERTH-SEP-&lt;hash&gt;  DNAT --to-destination taskIp:target
 * nat POSTROUTING      -&gt; BERTH-POSTROUTING: MASQUERADE what was marked
 * filter FORWARD       -&gt; BERTH-FORWARD: accept marked packets (the engine's FORWARD policy is DROP)
 * filter INPUT         -&gt; BERTH-FIREWALL: drop 127.0.0.0/8 traffic from outside (route_localnet)
 * </pre>
 *
 * <p>All published traffic is masqueraded, as Swarm's ingress does: traffic from 127.0.0.1
 * must be (a container cannot answer 127.0.0.1), and so must hairpin traffic from a task to its
 * own service; doing it for everything keeps one path. A published port with no running task on
 * the node has no rule at all, so the kernel refuses the connection.
 *
 * <p>{@link #render(Set)} gives {@code iptables-restore --noflush} input that flushes and refills
 * only Berth's own chains in one atomic transaction (and deletes the per-port and per-task
 * chains that are no longer wanted); the jump rules from the built-in chains are not part of it
 * ({@link #jumps(Options)}, applied idempotently with {@code iptables -C} / {@code -I}).
 */
public final class PortRules {

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

        /** The chain the nat PREROUTING and OUTPUT chains jump to. */
        public String servicesChain() {
            return prefix + "-SERVICES";
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
     * One running task behind a published port.
     *
     * @param taskId the task
     * @param ip its container's address
     * @param targetPort the port inside the container (may differ between old and new tasks
     *     during an update)
     * @param chain its {@code BERTH-SEP-<hash>} chain
     */
    public record Backend(String taskId, String ip, int targetPort, String chain) {
    }

    /**
     * One published port and the tasks behind it.
     *
     * @param port the published port
     * @param serviceName the service that owns it
     * @param chain its {@code BERTH-SVC-<hash>} chain
     * @param backends the running tasks, ordered by task id
     */
    public record ServicePort(PublishedPort port, String serviceName, String chain, List<Backend> backends) {

        public ServicePort {
            backends = List.copyOf(backends);
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
    private final List<ServicePort> servicePorts;
    private final List<String> conflicts;

    private PortRules(Options options, List<ServicePort> servicePorts, List<String> conflicts) {
        this.options = options;
        this.servicePorts = List.copyOf(servicePorts);
        this.conflicts = List.copyOf(conflicts);
    }

    /** Computes the rules for these running tasks with the default names. */
    public static PortRules compute(Collection<LocalEndpoint> endpoints) {
        return compute(Options.DEFAULT, endpoints);
    }

    /**
     * Computes the rules for these running tasks. When two services publish the same port (the
     * port check should have refused the second), the service whose name sorts first keeps it
     * and the clash is listed in {@link #conflicts()}.
     */
    public static PortRules compute(Options options, Collection<LocalEndpoint> endpoints) {
        Objects.requireNonNull(options, "options");
        // port -> service -> task id -> backend; sorted maps make the output deterministic.
        Map<PublishedPort, TreeMap<String, TreeMap<String, LocalEndpointPort>>> byPort = new TreeMap<>();
        for (LocalEndpoint endpoint : endpoints) {
            for (PortConfig config : endpoint.ports()) {
                if (config.published() <= 0) {
                    continue;
                }
                PublishedPort port = new PublishedPort(config.published(), config.protocol());
                byPort.computeIfAbsent(port, p -> new TreeMap<>())
                        .computeIfAbsent(endpoint.serviceName(), s -> new TreeMap<>())
                        .putIfAbsent(endpoint.taskId(), new LocalEndpointPort(endpoint, config.target()));
            }
        }
        List<ServicePort> result = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        for (Map.Entry<PublishedPort, TreeMap<String, TreeMap<String, LocalEndpointPort>>> e : byPort.entrySet()) {
            PublishedPort port = e.getKey();
            String service = e.getValue().firstKey();
            if (e.getValue().size() > 1) {
                conflicts.add("port " + port + " is published by services " + String.join(", ", e.getValue().keySet())
                        + " on this node; only " + service + " receives its traffic");
            }
            String svcKey = service + "/" + port;
            List<Backend> backends = new ArrayList<>();
            for (LocalEndpointPort ep : e.getValue().firstEntry().getValue().values()) {
                String ip = ep.endpoint().ip();
                String sep = options.prefix() + "-SEP-"
                        + hash(svcKey + "/" + ep.endpoint().taskId() + "/" + ip + ":" + ep.target());
                backends.add(new Backend(ep.endpoint().taskId(), ip, ep.target(), sep));
            }
            result.add(new ServicePort(port, service, options.prefix() + "-SVC-" + hash(svcKey), backends));
        }
        return new PortRules(options, result, conflicts);
    }

    private record LocalEndpointPort(LocalEndpoint endpoint, int target) {
    }

    /** The published ports with their tasks, ordered by protocol then port. */
    public List<ServicePort> servicePorts() {
        return servicePorts;
    }

    /** Sentences describing ports claimed by more than one service; empty normally. */
    public List<String> conflicts() {
        return conflicts;
    }

    /** The options these rules were computed with. */
    public Options options() {
        return options;
    }

    /** Which service owns each published port. */
    public Map<PublishedPort, String> owners() {
        Map<PublishedPort, String> owners = new LinkedHashMap<>();
        for (ServicePort sp : servicePorts) {
            owners.put(sp.port(), sp.serviceName());
        }
        return java.util.Collections.unmodifiableMap(owners);
    }

    /** The nat chains these rules use (fixed chains first, then per-port and per-task ones). */
    public Set<String> natChains() {
        Set<String> chains = new LinkedHashSet<>();
        chains.add(options.servicesChain());
        chains.add(options.markMasqChain());
        chains.add(options.postroutingChain());
        for (ServicePort sp : servicePorts) {
            chains.add(sp.chain());
            for (Backend b : sp.backends()) {
                chains.add(b.chain());
            }
        }
        return chains;
    }

    /** The filter chains these rules use. */
    public Set<String> filterChains() {
        Set<String> chains = new LinkedHashSet<>();
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
                "-m comment --comment \"masquerade published-port traffic\" -j MASQUERADE");
        for (ServicePort sp : servicePorts) {
            String proto = sp.port().protocol().value();
            String name = comment(sp.serviceName() + " " + sp.port());
            rule(out, options.servicesChain(), "-p " + proto + " -m comment --comment \"" + name + "\" -m " + proto
                    + " --dport " + sp.port().port() + " -j " + sp.chain());
            rule(out, sp.chain(), "-m comment --comment \"" + name + "\" -j " + options.markMasqChain());
            int n = sp.backends().size();
            for (int i = 0; i < n; i++) {
                Backend b = sp.backends().get(i);
                String to = comment(sp.serviceName() + " " + sp.port() + " -> " + b.taskId());
                if (i < n - 1) {
                    // The i-th of n endpoints is picked with probability 1/(n-i) among those left,
                    // which gives each endpoint 1/n overall.
                    rule(out, sp.chain(), "-m comment --comment \"" + to + "\" -m statistic --mode random"
                            + " --probability " + probability(n - i) + " -j " + b.chain());
                } else {
                    rule(out, sp.chain(), "-m comment --comment \"" + to + "\" -j " + b.chain());
                }
            }
            for (Backend b : sp.backends()) {
                String to = comment(sp.serviceName() + " " + sp.port() + " -> " + b.taskId());
                rule(out, b.chain(), "-p " + proto + " -m comment --comment \"" + to + "\" -m " + proto
                        + " -j DNAT --to-destination " + b.ip() + ":" + b.targetPort());
            }
        }
        for (String chain : stale) {
            out.append("-X ").append(chain).append('\n');
        }
        out.append("COMMIT\n");
        out.append("*filter\n");
        for (String chain : filterChains()) {
            out.append(':').append(chain).append(" - [0:0]\n");
        }
        // Only the first packet of a connection goes through nat (and gets the mark); the rest
        // are ESTABLISHED and accepted by the engine's own FORWARD rules.
        rule(out, options.forwardChain(), "-m comment --comment \"forward published-port traffic to tasks\""
                + " -m mark --mark " + mark + "/" + mark + " -j ACCEPT");
        // route_localnet=1 would otherwise let other hosts reach 127.0.0.0/8 services (as
        // kube-proxy guards against, CVE-2020-8558).
        rule(out, options.firewallChain(), "! -s 127.0.0.0/8 -d 127.0.0.0/8"
                + " -m comment --comment \"block incoming localnet connections\""
                + " -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP");
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
        List<String> local = List.of("-m", "comment", "--comment", "berth published ports",
                "-m", "addrtype", "--dst-type", "LOCAL", "-j", options.servicesChain());
        return List.of(
                new JumpRule("nat", "PREROUTING", local),
                new JumpRule("nat", "OUTPUT", local),
                new JumpRule("nat", "POSTROUTING", List.of("-m", "comment", "--comment",
                        "berth published ports", "-j", options.postroutingChain())),
                new JumpRule("filter", "FORWARD", List.of("-m", "comment", "--comment",
                        "berth published ports", "-j", options.forwardChain())),
                new JumpRule("filter", "INPUT", List.of("-m", "comment", "--comment",
                        "berth localnet guard", "-j", options.firewallChain())));
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

    @Override
    public boolean equals(Object o) {
        return o instanceof PortRules other && options.equals(other.options)
                && servicePorts.equals(other.servicePorts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(options, servicePorts);
    }

    @Override
    public String toString() {
        return "PortRules" + servicePorts;
    }
}
