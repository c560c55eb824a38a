package dev.berth.agent.executor;

import java.util.List;
import java.util.Objects;

/**
 * Where a task's container joins the cluster network: the node's Docker network and the Linux
 * bridge under it, the container's fixed address in the node's subnet, the subnet's gateway (the
 * bridge's own address) and the DNS servers it asks (the agent's DNS on that gateway).
 *
 * @param network the Docker network ({@code berth}), for containers the engine attaches itself
 * @param bridge the Linux bridge of that network ({@code berth0}), for containers the agent
 *     plumbs ({@link NetworkPlumber})
 * @param address the container's IPv4 address
 * @param prefixLength the length of the node subnet's prefix ({@code 24})
 * @param gateway the container's default gateway
 * @param dns the name servers written into the container's resolv.conf
 */
public record NetworkAttachment(String network, String bridge, String address, int prefixLength, String gateway,
        List<String> dns) {

    public NetworkAttachment {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(gateway, "gateway");
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not within 0..32");
        }
        dns = dns == null ? List.of() : List.copyOf(dns);
    }

    /** The address with its prefix, as {@code ip addr add} takes it ({@code 10.42.3.7/24}). */
    public String cidr() {
        return address + "/" + prefixLength;
    }
}
