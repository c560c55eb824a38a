package dev.berth.api;

import java.util.List;

/**
 * Where a service answers: its virtual IP, its ports and the addresses of its running tasks. The
 * network controller keeps one per service (same name); it is the service's DNS record
 * ({@code <service>} → {@code virtualIp}, or the addresses in dnsrr mode; {@code tasks.<service>}
 * → the addresses) and the input of every node's kernel load balancing (virtual IP and routing
 * mesh), so that DNS and the mesh never disagree. Written by the controller only.
 *
 * @param apiVersion always {@value ApiObject#API_VERSION}
 * @param kind always {@code Endpoints}
 * @param metadata name is the service's name
 * @param virtualIp the service's virtual IP from the cluster's service CIDR; empty in dnsrr mode
 * @param mode vip or dnsrr, as the service's spec says
 * @param ports the service's ports (published or not)
 * @param addresses the service's tasks that have an address, ordered by task id
 */
public record Endpoints(String apiVersion, String kind, ObjectMeta metadata, String virtualIp, EndpointMode mode,
        List<PortConfig> ports, List<EndpointAddress> addresses) implements ApiObject {

    public Endpoints {
        apiVersion = apiVersion == null ? API_VERSION : apiVersion;
        kind = kind == null ? "Endpoints" : kind;
        metadata = metadata == null ? ObjectMeta.named("") : metadata;
        virtualIp = virtualIp == null ? "" : virtualIp;
        mode = mode == null ? EndpointMode.VIP : mode;
        ports = ports == null ? List.of() : List.copyOf(ports);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }

    public static Endpoints of(ObjectMeta metadata, String virtualIp, EndpointMode mode, List<PortConfig> ports,
            List<EndpointAddress> addresses) {
        return new Endpoints(API_VERSION, "Endpoints", metadata, virtualIp, mode, ports, addresses);
    }

    /** The addresses that may receive traffic. */
    public List<EndpointAddress> readyAddresses() {
        return addresses.stream().filter(EndpointAddress::ready).toList();
    }

    @Override
    public Endpoints withMetadata(ObjectMeta newMetadata) {
        return new Endpoints(apiVersion, kind, newMetadata, virtualIp, mode, ports, addresses);
    }
}
