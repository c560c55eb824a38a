package dev.berth.agent.executor;

import java.util.List;
import java.util.Objects;

/**
 * Where a task's container joins the cluster network: the node's Docker network, the container's
 * fixed address in the node's subnet, and the DNS servers it asks (the agent's DNS on the
 * bridge's gateway).
 *
 * @param network the Docker network ({@code berth})
 * @param address the container's IPv4 address
 * @param dns the name servers written into the container's resolv.conf
 */
public record NetworkAttachment(String network, String address, List<String> dns) {

    public NetworkAttachment {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(address, "address");
        dns = dns == null ? List.of() : List.copyOf(dns);
    }
}
