package dev.berth.agent.network;

import dev.berth.api.Endpoints;
import dev.berth.dns.ClusterDns;
import dev.berth.dns.DnsConfig;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The node's cluster DNS: a {@link ClusterDns} on the bridge's gateway address, port 53 (the
 * server every task container is given), started once the node's network exists and kept up to
 * date with the services of every network map. A server that cannot bind is tried again, at
 * most every {@link #RETRY_DELAY}, when the network is next reported ready. Safe from any thread.
 */
public final class NodeDns implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(NodeDns.class);

    /** How long after a failed start the server is tried again. */
    public static final Duration RETRY_DELAY = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final List<InetSocketAddress> upstreams;
    private final int port;
    private final Clock clock;
    private ClusterDns server;
    private String boundTo = "";
    private Instant failedAt;
    private List<Endpoints> services = List.of();
    private boolean closed;

    /** A node DNS on port 53 forwarding other names to {@code upstreams}. */
    public NodeDns(Vertx vertx, List<InetSocketAddress> upstreams) {
        this(vertx, upstreams, DnsConfig.DEFAULT_PORT, Clock.systemUTC());
    }

    /** A node DNS on {@code port} (tests use a free one). */
    public NodeDns(Vertx vertx, List<InetSocketAddress> upstreams, int port, Clock clock) {
        this.vertx = vertx;
        this.upstreams = List.copyOf(upstreams);
        this.port = port;
        this.clock = clock;
    }

    /**
     * The node's network exists with its bridge on {@code gateway}: serves there (starts the
     * server, or moves it when the gateway changed; nothing when it serves there already).
     */
    public synchronized void networkReady(String gateway) {
        if (closed) {
            return;
        }
        if (server != null && boundTo.equals(gateway)) {
            return;
        }
        if (server == null && failedAt != null && boundTo.equals(gateway)
                && clock.instant().isBefore(failedAt.plus(RETRY_DELAY))) {
            return;
        }
        if (server != null) {
            server.close();
        }
        ClusterDns dns = new ClusterDns(vertx, DnsConfig.of(gateway, upstreams).withPort(port));
        dns.update(services);
        server = dns;
        boundTo = gateway;
        failedAt = null;
        dns.start().onComplete(ar -> {
            if (ar.succeeded()) {
                LOG.info("cluster DNS serves on {}:{} (other names go to {})", gateway, port, upstreams);
                return;
            }
            LOG.error("cannot serve the cluster DNS on {}:{}: {}; containers of this node cannot resolve names "
                    + "until it can", gateway, port, ar.cause().getMessage());
            synchronized (this) {
                if (server == dns) {
                    server = null;
                    failedAt = clock.instant();
                }
            }
            dns.close();
        });
    }

    /** The services as the latest network map has them: every record is replaced. */
    public synchronized void update(List<Endpoints> newServices) {
        services = List.copyOf(newServices);
        if (server != null) {
            server.update(services);
        }
    }

    /** Whether a server is bound or binding. */
    public synchronized boolean serving() {
        return server != null;
    }

    /** Stops serving. */
    @Override
    public synchronized void close() {
        closed = true;
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
