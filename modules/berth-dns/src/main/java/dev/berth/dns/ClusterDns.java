package dev.berth.dns;

import dev.berth.api.Endpoints;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * The DNS server an agent runs on its bridge gateway, where its containers look for names: it
 * answers the cluster's names from the latest {@link #update(List) Endpoints snapshot}
 * (authoritatively, short TTL) and forwards every other name to the upstream resolvers.
 *
 * <p>Listens on UDP and TCP (two-byte length framing) at {@link DnsConfig#bindAddress()} and
 * {@link DnsConfig#port()}. Runs on Vert.x event loops only; dnsjava serves as the wire format,
 * never as a resolver (no dnsjava threads on the query path). Bad input never stops it: a
 * malformed UDP packet is dropped, a TCP connection that sends one is closed (both logged at
 * debug). When every upstream fails or times out the client gets SERVFAIL, not silence.
 *
 * <p>Usage: {@code dns = new ClusterDns(vertx, DnsConfig.of(gateway, ClusterDns.systemResolvers()));
 * dns.start()}, then {@code dns.update(endpoints)} whenever the services change (from any thread),
 * {@code dns.close()} at the end.
 */
public final class ClusterDns implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ClusterDns.class);

    /** Attempts to find one free port for both UDP and TCP when the configuration asks for port 0. */
    private static final int FREE_PORT_ATTEMPTS = 10;
    /** A TCP client that goes quiet this long is disconnected (RFC 7766 suggests seconds). */
    private static final int TCP_IDLE_SECONDS = 10;
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final Vertx vertx;
    private final DnsConfig config;
    private final Forwarder forwarder;
    private final AtomicReference<DnsRecords> records = new AtomicReference<>(DnsRecords.empty());
    private final AtomicInteger rotation = new AtomicInteger();
    private volatile DatagramSocket udp;
    private volatile NetServer tcp;
    private volatile int boundPort = -1;
    private volatile boolean closed;

    /** A server that is not listening yet; {@link #start()} binds it. */
    public ClusterDns(Vertx vertx, DnsConfig config) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.config = Objects.requireNonNull(config, "config");
        this.forwarder = new Forwarder(vertx, config.upstreams(), config.upstreamTimeout());
    }

    /**
     * Binds the UDP and TCP listeners; fails (and leaves nothing bound) when either cannot bind.
     * With port 0 both get the same free port, see {@link #port()}.
     */
    public Future<Void> start() {
        if (closed) {
            return Future.failedFuture(new IllegalStateException("cluster DNS closed"));
        }
        if (udp != null) {
            return Future.succeededFuture(); // already listening
        }
        return bind(config.port() == 0 ? FREE_PORT_ATTEMPTS : 1).onSuccess(v -> LOG.debug(
                "Cluster DNS listening on {}:{} (UDP and TCP), forwarding other names to {}", config.bindAddress(),
                boundPort, config.upstreams().isEmpty() ? "no upstream (SERVFAIL)" : config.upstreams()));
    }

    private Future<Void> bind(int attemptsLeft) {
        NetServer server = vertx.createNetServer(new NetServerOptions().setIdleTimeout(TCP_IDLE_SECONDS)
                .setIdleTimeoutUnit(TimeUnit.SECONDS));
        server.connectHandler(this::serveTcp);
        DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions()
                .setIpV6(config.bindAddress().contains(":")));
        socket.handler(this::serveUdp);
        socket.exceptionHandler(e -> LOG.debug("UDP listener error: {}", e.toString()));
        return server.listen(config.port(), config.bindAddress())
                .compose(s -> socket.listen(s.actualPort(), config.bindAddress()))
                .transform(ar -> {
                    if (ar.succeeded() && !closed) {
                        tcp = server;
                        udp = socket;
                        boundPort = server.actualPort();
                        return Future.<Void>succeededFuture();
                    }
                    server.close();
                    socket.close();
                    if (closed) {
                        return Future.failedFuture(new IllegalStateException("cluster DNS closed"));
                    }
                    if (attemptsLeft > 1) {
                        return bind(attemptsLeft - 1); // port 0: TCP's free port was taken for UDP; another
                    }
                    return Future.failedFuture(new IOException("cannot bind the cluster DNS on "
                            + config.bindAddress() + ":" + config.port() + ": " + ar.cause().getMessage(),
                            ar.cause()));
                });
    }

    /**
     * Replaces all the cluster's records with those of these services (any thread; the listeners
     * see either the old or the new snapshot, never a mix).
     */
    public void update(List<Endpoints> services) {
        DnsRecords next = DnsRecords.of(services);
        records.set(next);
        LOG.debug("Cluster DNS now knows {} services", next.services().size());
    }

    /** The port both listeners are bound to; the configured one until {@link #start()} succeeded. */
    public int port() {
        int port = boundPort;
        return port < 0 ? config.port() : port;
    }

    /** The configuration this server runs with. */
    public DnsConfig config() {
        return config;
    }

    /** Unbinds both listeners and stops forwarding; waits a little unless called on a Vert.x thread. */
    @Override
    public void close() {
        Future<Void> done = closeAsync();
        if (Context.isOnVertxThread()) {
            return; // blocking an event loop would stall the very close it waits for
        }
        try {
            done.toCompletionStage().toCompletableFuture().get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Cluster DNS did not close cleanly: {}", e.toString());
        }
    }

    /** Unbinds both listeners and stops forwarding. */
    public Future<Void> closeAsync() {
        closed = true;
        DatagramSocket socket = udp;
        NetServer server = tcp;
        udp = null;
        tcp = null;
        return Future.join(socket == null ? Future.succeededFuture() : socket.close(),
                server == null ? Future.succeededFuture() : server.close(),
                forwarder.close()).<Void>mapEmpty();
    }

    // --- query path -----------------------------------------------------------------------------

    private void serveUdp(DatagramPacket packet) {
        SocketAddress client = packet.sender();
        byte[] wire = packet.data().getBytes();
        Message query = parse(wire, "UDP", client);
        if (query == null) {
            return; // dropped: answering garbage would only help reflection attacks
        }
        int maxSize = DnsMessages.maxUdpSize(query);
        answer(query, wire, maxSize, bytes -> {
            DatagramSocket socket = udp;
            if (socket != null) {
                socket.send(Buffer.buffer(bytes), client.port(), client.host())
                        .onFailure(e -> LOG.debug("Cannot answer {}: {}", client, e.toString()));
            }
        });
    }

    private void serveTcp(NetSocket connection) {
        SocketAddress client = connection.remoteAddress();
        connection.handler(TcpFraming.parser(wire -> {
            Message query = parse(wire, "TCP", client);
            if (query == null) {
                connection.close();
                return;
            }
            answer(query, wire, DnsMessages.MAX_TCP_SIZE, bytes -> connection.write(TcpFraming.frame(bytes)));
        }, () -> {
            LOG.debug("Closing the TCP connection of {}: a frame too short to be a DNS message", client);
            connection.close();
        }));
        connection.exceptionHandler(e -> LOG.debug("TCP connection of {}: {}", client, e.toString()));
    }

    /** The parsed message, or null (logged) when it is not DNS. */
    private static Message parse(byte[] wire, String transport, SocketAddress client) {
        try {
            return new Message(wire);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Malformed {} message ({} bytes) from {} ignored: {}", transport, wire.length, client,
                    e.toString());
            return null;
        }
    }

    /** Decides, then replies through send (at most once; never for a message that is not a query). */
    private void answer(Message query, byte[] wire, int maxSize, Consumer<byte[]> send) {
        try {
            decide(query, wire, maxSize, send);
        } catch (RuntimeException e) {
            // dnsjava accepted the message but cannot build a reply to it: hostile or broken input
            LOG.debug("Cannot answer {}: {}", query.getQuestion(), e.toString());
        }
    }

    private void decide(Message query, byte[] wire, int maxSize, Consumer<byte[]> send) {
        DnsMessages.Check check = DnsMessages.check(query);
        switch (check) {
            case DROP:
                return;
            case FORMERR:
                send.accept(DnsMessages.toWire(DnsMessages.replyTo(query, Rcode.FORMERR), maxSize));
                return;
            case NOTIMP:
                send.accept(DnsMessages.toWire(DnsMessages.replyTo(query, Rcode.NOTIMP), maxSize));
                return;
            default:
                break;
        }
        DnsRecords.Answer decision = records.get().lookup(query.getQuestion().getName().toString());
        if (decision.kind() != DnsRecords.Kind.FORWARD) {
            Message reply = DnsMessages.clusterReply(query, decision, config.ttlSeconds(), rotation.getAndIncrement());
            send.accept(DnsMessages.toWire(reply, maxSize));
            return;
        }
        forwarder.forward(query, wire).onComplete(ar -> {
            if (ar.succeeded()) {
                byte[] relayed = ar.result();
                send.accept(relayed.length <= maxSize ? relayed : truncate(query, relayed, maxSize));
            } else {
                LOG.debug("Forwarding {} failed: {}", query.getQuestion().getName(), ar.cause().getMessage());
                send.accept(DnsMessages.toWire(DnsMessages.replyTo(query, Rcode.SERVFAIL), maxSize));
            }
        });
    }

    /** An upstream's TCP-sized answer for a UDP client: cut with TC set, so the client asks over TCP. */
    private static byte[] truncate(Message query, byte[] relayed, int maxSize) {
        try {
            return DnsMessages.toWire(new Message(relayed), maxSize);
        } catch (IOException e) {
            return DnsMessages.toWire(DnsMessages.replyTo(query, Rcode.SERVFAIL), maxSize);
        }
    }

    // --- upstreams ------------------------------------------------------------------------------

    /**
     * The nameservers of {@code /etc/resolv.conf}, port 53, in their order, for
     * {@link DnsConfig#upstreams()}.
     *
     * <p>Loopback nameservers (127.0.0.0/8, ::1) are skipped: the cluster DNS runs in the node's
     * network namespace, and a resolver a host runs on its loopback (systemd-resolved's
     * 127.0.0.53, dnsmasq's 127.0.0.1) is not reachable from a node that is a namespace of its
     * own, nor meant for the containers. When that leaves nothing and systemd-resolved's own
     * upstream list {@code /run/systemd/resolve/resolv.conf} exists, its nameservers are used
     * instead. Empty when there is none (every outside name then gets SERVFAIL).
     */
    public static List<InetSocketAddress> systemResolvers() {
        List<InetSocketAddress> resolvers = ResolvConf.nameservers(Path.of("/etc/resolv.conf"));
        return resolvers.isEmpty() ? ResolvConf.nameservers(Path.of("/run/systemd/resolve/resolv.conf")) : resolvers;
    }
}
