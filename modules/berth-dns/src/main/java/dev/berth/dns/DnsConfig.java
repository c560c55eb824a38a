package dev.berth.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link ClusterDns} listens and where it forwards the names it does not own.
 *
 * @param bindAddress the address the UDP and TCP listeners bind (the node's bridge gateway)
 * @param port the port of both listeners; 0 picks a free one (tests), see {@link ClusterDns#port()}
 * @param upstreams the resolvers other names are forwarded to, tried in order; none means
 *     SERVFAIL for every name outside the cluster
 * @param upstreamTimeout how long one upstream may take before the next one is tried
 * @param ttlSeconds the TTL of the cluster's answers; short because a service's tasks change
 *     within a second and a client must not keep a stale address for long
 */
public record DnsConfig(String bindAddress, int port, List<InetSocketAddress> upstreams, Duration upstreamTimeout,
        int ttlSeconds) {

    /** The standard DNS port, where containers look for their resolver. */
    public static final int DEFAULT_PORT = 53;
    /** One upstream's time before the next one is tried. */
    public static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofSeconds(2);
    /** Short: records change within a second when tasks start or stop. */
    public static final int DEFAULT_TTL_SECONDS = 5;

    public DnsConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
        upstreamTimeout = upstreamTimeout == null ? DEFAULT_UPSTREAM_TIMEOUT : upstreamTimeout;
        if (upstreamTimeout.isNegative() || upstreamTimeout.isZero()) {
            throw new IllegalArgumentException("upstreamTimeout must be positive: " + upstreamTimeout);
        }
        if (ttlSeconds < 0) {
            throw new IllegalArgumentException("ttlSeconds must not be negative: " + ttlSeconds);
        }
    }

    /** Port 53, {@value #DEFAULT_TTL_SECONDS} s TTL, 2 s per upstream. */
    public static DnsConfig of(String bindAddress, List<InetSocketAddress> upstreams) {
        return new DnsConfig(bindAddress, DEFAULT_PORT, upstreams, DEFAULT_UPSTREAM_TIMEOUT, DEFAULT_TTL_SECONDS);
    }

    /** The same configuration on another port. */
    public DnsConfig withPort(int newPort) {
        return new DnsConfig(bindAddress, newPort, upstreams, upstreamTimeout, ttlSeconds);
    }
}
