package dev.berth.cli.flags;

import dev.berth.agent.AgentConfig;
import dev.berth.agent.session.ManagerAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The agent's network flags, shared by {@code init}, {@code join} and {@code agent}: where the
 * node's cluster DNS forwards outside names, and (for tests that run several agents in one network
 * namespace) switching the node's cluster network off.
 */
public final class AgentNetworkFlags {

    @Option(names = "--dns-upstream", paramLabel = "ADDR[:PORT]",
            description = "A DNS server the node's cluster DNS forwards other names to (repeatable; "
                    + "default: the nameservers of /etc/resolv.conf).")
    private List<String> dnsUpstreams = new ArrayList<>();

    @Option(names = {"--no-cluster-network", "--no-publish-ports"}, hidden = true,
            description = "The agent runs containers on Docker's default bridge: no cluster network, DNS or "
                    + "service rules (tests that run several agents in one network namespace).")
    private boolean noClusterNetwork;

    /** The upstreams as given (for a saved setting or a child command); empty when none. */
    public List<String> dnsUpstreams() {
        return List.copyOf(dnsUpstreams);
    }

    public boolean clusterNetwork() {
        return !noClusterNetwork;
    }

    /**
     * {@code config} with these flags; {@code upstreams} are the upstreams to use (the flags, or
     * what a joined node saved).
     *
     * @throws IllegalArgumentException naming the flag when an upstream is not ADDR[:PORT]
     */
    public AgentConfig apply(AgentConfig config, List<String> upstreams) {
        AgentConfig c = config.withClusterNetwork(!noClusterNetwork);
        return upstreams.isEmpty() ? c : c.withDnsUpstreams(parse(upstreams));
    }

    /** These flags as arguments of a child {@code berth} command. */
    public List<String> childArgs() {
        List<String> args = new ArrayList<>();
        for (String u : dnsUpstreams) {
            args.addAll(List.of("--dns-upstream", u));
        }
        if (noClusterNetwork) {
            args.add("--no-cluster-network");
        }
        return args;
    }

    /** Parses {@code ADDR[:PORT]} values (port 53 by default; IPv6 as {@code [ADDR]:PORT}). */
    public static List<InetSocketAddress> parse(List<String> values) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String v : values) {
            out.add(parseOne(v));
        }
        return List.copyOf(out);
    }

    private static InetSocketAddress parseOne(String value) {
        String v = value.strip();
        // ADDR alone (or [IPv6] alone) means port 53; the rest is read as any host:port is
        boolean hasPort = v.startsWith("[") ? v.contains("]:") : v.indexOf(':') >= 0 && v.indexOf(':') == v.lastIndexOf(':');
        boolean bareIpv6 = !v.startsWith("[") && v.indexOf(':') != v.lastIndexOf(':');
        try {
            ManagerAddress a = ManagerAddress.parse(hasPort ? v : (bareIpv6 ? "[" + v + "]" : v) + ":53");
            return new InetSocketAddress(a.host(), a.port());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dns-upstream \"" + value + "\": expected ADDR[:PORT] with a port of"
                    + " 1 to 65535, e.g. 10.0.0.2 or 10.0.0.2:5353");
        }
    }
}
