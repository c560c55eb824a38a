package dev.berth.dns;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.xbill.DNS.Address;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

/**
 * Sends the queries the cluster does not answer to the upstream resolvers, in order: UDP first,
 * the same upstream over TCP when its UDP answer is truncated, the next upstream when one times
 * out or fails (SERVFAIL, REFUSED...). Each exchange uses its own socket (a random source port)
 * and a random message id, and an answer counts only if it comes from the upstream asked and
 * matches the id and the question — cheap protection against spoofed answers.
 */
final class Forwarder {

    private static final Logger LOG = LogManager.getLogger(Forwarder.class);

    /** Beyond this many forwarded queries at once new ones get SERVFAIL instead of more sockets. */
    static final int MAX_IN_FLIGHT = 1024;

    private final Vertx vertx;
    private final List<InetSocketAddress> upstreams;
    private final long timeoutMillis;
    private final NetClient tcp;
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Set<DatagramSocket> openSockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    Forwarder(Vertx vertx, List<InetSocketAddress> upstreams, Duration timeout) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.upstreams = List.copyOf(upstreams);
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.tcp = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) Math.min(Integer.MAX_VALUE,
                timeoutMillis)));
    }

    /**
     * The first acceptable upstream answer to the query, with the query's own id; fails when no
     * upstream gives one (the caller answers SERVFAIL).
     *
     * @param query the parsed query (its question checks the answers)
     * @param wire the query as the client sent it (forwarded byte for byte, EDNS included)
     */
    Future<byte[]> forward(Message query, byte[] wire) {
        if (closed) {
            return Future.failedFuture(new IOException("cluster DNS closed"));
        }
        if (upstreams.isEmpty()) {
            return Future.failedFuture(new IOException("no upstream resolvers"));
        }
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            return Future.failedFuture(new IOException("too many forwarded queries in flight"));
        }
        int clientId = DnsMessages.id(wire);
        return attempt(0, query, wire)
                .map(answer -> DnsMessages.withId(answer, clientId))
                .andThen(ar -> inFlight.decrementAndGet());
    }

    private Future<byte[]> attempt(int index, Message query, byte[] wire) {
        if (index >= upstreams.size() || closed) {
            return Future.failedFuture(new IOException("no upstream answered " + query.getQuestion().getName()));
        }
        InetSocketAddress upstream = upstreams.get(index);
        return exchange(upstream, query, wire).transform(ar -> {
            if (ar.succeeded()) {
                return Future.succeededFuture(ar.result());
            }
            LOG.debug("Upstream {} gave no answer for {}: {}", upstream, query.getQuestion().getName(),
                    ar.cause().toString());
            return attempt(index + 1, query, wire);
        });
    }

    private Future<byte[]> exchange(InetSocketAddress upstream, Message query, byte[] wire) {
        int id = random.nextInt(0x10000);
        byte[] out = DnsMessages.withId(wire, id);
        return udp(upstream, query, out, id).compose(answer -> answer.message().getHeader().getFlag(Flags.TC)
                ? tcp(upstream, query, out, id)
                : Future.succeededFuture(answer.wire()));
    }

    /** An upstream's answer: parsed to check it, and as sent to relay it unchanged. */
    private record Reply(Message message, byte[] wire) {
    }

    /** One UDP exchange. */
    private Future<Reply> udp(InetSocketAddress upstream, Message query, byte[] out, int id) {
        Promise<Reply> promise = Promise.promise();
        boolean ipv6 = upstream.getAddress() instanceof Inet6Address;
        DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(ipv6));
        openSockets.add(socket);
        long timer = vertx.setTimer(timeoutMillis, t -> promise.tryFail(new TimeoutException(
                "no UDP answer within " + timeoutMillis + " ms")));
        socket.handler(packet -> {
            if (!sameAddress(packet.sender().host(), upstream.getAddress())
                    || packet.sender().port() != upstream.getPort()) {
                return; // not from the upstream asked: ignore, keep waiting
            }
            acceptable(packet.data().getBytes(), query, id).ifPresent(promise::tryComplete);
        });
        socket.listen(0, ipv6 ? "::" : "0.0.0.0")
                .compose(s -> s.send(Buffer.buffer(out), upstream.getPort(), upstream.getAddress().getHostAddress()))
                .onFailure(promise::tryFail);
        return promise.future().andThen(ar -> {
            vertx.cancelTimer(timer);
            openSockets.remove(socket);
            socket.close();
        }).compose(this::rejectFailures);
    }

    /** One TCP exchange: the answer's wire form as the upstream sent it. */
    private Future<byte[]> tcp(InetSocketAddress upstream, Message query, byte[] out, int id) {
        Promise<Reply> promise = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis, t -> promise.tryFail(new TimeoutException(
                "no TCP answer within " + timeoutMillis + " ms")));
        tcp.connect(upstream.getPort(), upstream.getAddress().getHostAddress()).onComplete(ar -> {
            if (ar.failed()) {
                promise.tryFail(ar.cause());
                return;
            }
            NetSocket socket = ar.result();
            if (promise.future().isComplete()) {
                socket.close();
                return;
            }
            promise.future().onComplete(done -> socket.close());
            socket.handler(TcpFraming.parser(bytes -> acceptable(bytes, query, id).ifPresent(promise::tryComplete),
                    () -> promise.tryFail(new IOException("malformed TCP frame from upstream"))));
            socket.closeHandler(v -> promise.tryFail(new IOException("upstream closed the TCP connection")));
            socket.write(TcpFraming.frame(out));
        });
        return promise.future().andThen(ar -> vertx.cancelTimer(timer)).compose(this::rejectFailures)
                .map(Reply::wire);
    }

    private Future<Reply> rejectFailures(Reply answer) {
        int rcode = answer.message().getRcode();
        return rcodeFailure(rcode)
                ? Future.failedFuture(new IOException("upstream answered " + Rcode.string(rcode)))
                : Future.succeededFuture(answer);
    }

    /** An upstream that cannot answer: another one may. NXDOMAIN is an answer, not a failure. */
    private static boolean rcodeFailure(int rcode) {
        return rcode == Rcode.SERVFAIL || rcode == Rcode.REFUSED || rcode == Rcode.NOTIMP;
    }

    /** The answer if it is a response to this query (id and question), else empty. */
    private static Optional<Reply> acceptable(byte[] bytes, Message query, int id) {
        Message answer;
        try {
            answer = new Message(bytes);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Malformed answer from upstream ignored: {}", e.toString());
            return Optional.empty();
        }
        Record question = answer.getQuestion();
        if (answer.getHeader().getID() != id || !answer.getHeader().getFlag(Flags.QR) || question == null
                || !question.equals(query.getQuestion())) {
            return Optional.empty();
        }
        return Optional.of(new Reply(answer, bytes));
    }

    /** Whether a sender's address literal is this address (parsed as a literal: never a lookup). */
    private static boolean sameAddress(String literal, InetAddress expected) {
        int scope = literal.indexOf('%');
        try {
            return Address.getByAddress(scope < 0 ? literal : literal.substring(0, scope)).equals(expected);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Stops forwarding: pending exchanges fail (their clients get SERVFAIL), sockets close. */
    Future<Void> close() {
        closed = true;
        openSockets.forEach(DatagramSocket::close);
        openSockets.clear();
        return tcp.close();
    }
}
