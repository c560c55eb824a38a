package dev.berth.agent.network;

import dev.berth.api.Protocol;
import java.util.Comparator;
import java.util.Objects;

/**
 * A port published on the node: number and transport protocol. At most one service owns a
 * published port on a node.
 *
 * @param port the port number on the node, 1..65535
 * @param protocol tcp or udp
 */
public record PublishedPort(int port, Protocol protocol) implements Comparable<PublishedPort> {

    private static final Comparator<PublishedPort> ORDER =
            Comparator.comparing(PublishedPort::protocol).thenComparingInt(PublishedPort::port);

    public PublishedPort {
        Objects.requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("published port must be 1..65535, got " + port);
        }
    }

    /** Display form, e.g. {@code 4567/tcp}. */
    @Override
    public String toString() {
        return port + "/" + protocol.value();
    }

    @Override
    public int compareTo(PublishedPort other) {
        return ORDER.compare(this, other);
    }
}
