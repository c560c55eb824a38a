package dev.berth.api;

/**
 * A port of a service's containers, optionally published on the nodes.
 *
 * @param published the port on every node (routing mesh) or on the task's node (host mode);
 *     0 when the port is not published
 * @param target the port inside the container
 * @param protocol tcp (default) or udp
 * @param publishMode ingress (default, routing mesh) or host
 */
public record PortConfig(int published, int target, Protocol protocol, PublishMode publishMode) {

    public PortConfig {
        protocol = protocol == null ? Protocol.TCP : protocol;
        publishMode = publishMode == null ? PublishMode.INGRESS : publishMode;
    }

    /** Parses the CLI form {@code 8080:80}, {@code 8080:80/udp} or {@code 80}. */
    public static PortConfig parse(String text) {
        String spec = text;
        Protocol protocol = Protocol.TCP;
        int slash = spec.indexOf('/');
        if (slash >= 0) {
            String p = spec.substring(slash + 1);
            protocol = switch (p) {
                case "tcp" -> Protocol.TCP;
                case "udp" -> Protocol.UDP;
                default -> throw new IllegalArgumentException(
                        "port \"" + text + "\": protocol must be tcp or udp, got \"" + p + "\"");
            };
            spec = spec.substring(0, slash);
        }
        String[] parts = spec.split(":", -1);
        try {
            if (parts.length == 1) {
                return new PortConfig(0, Integer.parseInt(parts[0]), protocol, PublishMode.INGRESS);
            }
            if (parts.length == 2) {
                return new PortConfig(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), protocol,
                        PublishMode.INGRESS);
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(
                "port \"" + text + "\": expected PUBLISHED:TARGET[/PROTOCOL], e.g. 8080:80");
    }

    /** Swarm's display form: {@code *:4567->4567/tcp}. */
    public String display() {
        String proto = protocol.value();
        if (published == 0) {
            return target + "/" + proto;
        }
        return (publishMode == PublishMode.HOST ? "" : "*") + ":" + published + "->" + target + "/" + proto;
    }
}
