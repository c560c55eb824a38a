package dev.berth.agent.network;

import dev.berth.api.Cidr;
import java.util.List;
import java.util.Map;

/**
 * What the node's part of the cluster network looks like, computed without I/O: the Docker
 * bridge network to create, and the iptables rules that let containers of every node reach each
 * other and the outside (rendered as {@code iptables-restore --noflush} input, in chains of
 * their own so nothing else is touched).
 *
 * <p>Docker's own masquerading is turned off on the bridge: it would rewrite the source of
 * every packet leaving the node, and a task on another node would see the node's address
 * instead of the task's. The node masquerades only what leaves the cluster's container range.
 * The forward rules are needed because the engine sets the FORWARD policy to DROP and accepts
 * only what it knows of.
 */
public final class ContainerNetworkRules {

    /** The label the Docker network carries, so that a person (or a cleanup) can tell it is Berth's. */
    public static final String NETWORK_LABEL = "dev.berth.network";

    private ContainerNetworkRules() {
    }

    /**
     * The Docker network of the node's subnet.
     *
     * @param name the network's name ({@code berth})
     * @param subnet the node's subnet
     * @param gateway the bridge's address, the subnet's first host
     * @param options the bridge driver's options
     * @param labels the network's labels
     * @param ipRange where the engine's own address management may give addresses (to containers
     *     attached to the network by hand), never to tasks: {@link #handAttachedRange}; empty
     *     for a subnet too small to spare one
     */
    public record BridgeSpec(String name, String subnet, String gateway, Map<String, String> options,
            Map<String, String> labels, String ipRange) {
        public BridgeSpec {
            options = Map.copyOf(options);
            labels = Map.copyOf(labels);
        }
    }

    /**
     * A rule that sends a built-in chain's packets to one of ours.
     *
     * @param table the table ({@code filter}, {@code nat})
     * @param chain the built-in chain
     * @param target our chain
     */
    public record Jump(String table, String chain, String target) {

        /** The rule's match and target, as iptables takes them after {@code -C}/{@code -D <chain>}. */
        public List<String> spec() {
            return List.of("-j", target);
        }
    }

    /** The bridge network for {@code subnet} under the given names. */
    public static BridgeSpec bridge(ContainerNetwork.Options options, Cidr subnet) {
        return new BridgeSpec(options.networkName(), subnet.toString(), subnet.gateway(),
                Map.of("com.docker.network.bridge.name", options.bridgeName(),
                        "com.docker.network.bridge.enable_ip_masquerade", "false"),
                Map.of(NETWORK_LABEL, "cluster"),
                handAttachedRange(subnet).map(Cidr::toString).orElse(""));
    }

    /**
     * The last sixteenth of {@code subnet} ({@code 10.42.0.240/28} of {@code 10.42.0.0/24}), for
     * containers a person attaches to the node's network by hand: the engine's address
     * management gives addresses only from there, and tasks never get one of them. The agent links
     * task containers itself, so the engine does not know their addresses and would otherwise
     * hand one out again. Empty for subnets smaller than a /26.
     */
    public static java.util.Optional<Cidr> handAttachedRange(Cidr subnet) {
        if (subnet.prefix() > 26) {
            return java.util.Optional.empty();
        }
        int prefix = subnet.prefix() + 4;
        return java.util.Optional.of(subnet.subnet(prefix, subnet.subnetCount(prefix) - 1));
    }

    /** The chain of filter FORWARD rules. */
    public static String forwardChain(ContainerNetwork.Options options) {
        return options.chainPrefix() + "-FWD";
    }

    /** The chain of nat POSTROUTING rules. */
    public static String masqueradeChain(ContainerNetwork.Options options) {
        return options.chainPrefix() + "-MASQ";
    }

    /** The jumps into our chains; each goes first in its built-in chain. */
    public static List<Jump> jumps(ContainerNetwork.Options options) {
        return List.of(new Jump("filter", "FORWARD", forwardChain(options)),
                new Jump("nat", "POSTROUTING", masqueradeChain(options)));
    }

    /**
     * The rules, as {@code iptables-restore --noflush} input: declaring a chain flushes it, so
     * applying the text replaces our chains' rules whole and leaves every other chain alone.
     */
    public static String render(ContainerNetwork.Options options, Cidr containerCidr, Cidr nodeSubnet) {
        String fwd = forwardChain(options);
        String masq = masqueradeChain(options);
        return "*filter\n"
                + ":" + fwd + " - [0:0]\n"
                + "-A " + fwd + " -s " + containerCidr + " -j ACCEPT\n"
                + "-A " + fwd + " -d " + containerCidr + " -j ACCEPT\n"
                + "COMMIT\n"
                + "*nat\n"
                + ":" + masq + " - [0:0]\n"
                + "-A " + masq + " -s " + nodeSubnet + " ! -d " + containerCidr + " -j MASQUERADE\n"
                + "COMMIT\n";
    }
}
