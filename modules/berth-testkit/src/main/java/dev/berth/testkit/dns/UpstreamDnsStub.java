package dev.berth.testkit.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A stub upstream DNS server for tests: answers A queries for a fixed set of names, NXDOMAIN for
 * every other name, over UDP and TCP on the same port. Counts the queries it gets, so a test can
 * tell whether a name was forwarded. Plain threads (one for UDP, one per TCP connection); close it
 * after the test.
 *
 * <p>{@link #startTruncating} makes a stub whose UDP answers are empty and truncated (TC flag), as
 * an upstream does when an answer is too big for UDP: the full answer is only available over TCP.
 */
public final class UpstreamDnsStub implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(UpstreamDnsStub.class);
    private static final long TTL_SECONDS = 60;
    private static final int BIND_ATTEMPTS = 10;

    private final Map<String, InetAddress> records;
    private final boolean truncateUdp;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final AtomicInteger udpQueries = new AtomicInteger();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private volatile boolean closed;

    private UpstreamDnsStub(Map<String, InetAddress> records, boolean truncateUdp, DatagramSocket udp,
            ServerSocket tcp) {
        this.records = Map.copyOf(records);
        this.truncateUdp = truncateUdp;
        this.udp = udp;
        this.tcp = tcp;
    }

    /**
     * Starts a stub that answers the given names.
     *
     * @param bindAddress e.g. 127.0.0.1
     * @param port 0 for a free port (the same for UDP and TCP), see {@link #port()}
     * @param aRecords name (any case, with or without the trailing dot) → IPv4 address literal
     */
    public static UpstreamDnsStub start(String bindAddress, int port, Map<String, String> aRecords) {
        return start(bindAddress, port, aRecords, false);
    }

    /** Like {@link #start}, but every UDP answer is empty with the TC flag: the answers come only over TCP. */
    public static UpstreamDnsStub startTruncating(String bindAddress, int port, Map<String, String> aRecords) {
        return start(bindAddress, port, aRecords, true);
    }

    private static UpstreamDnsStub start(String bindAddress, int port, Map<String, String> aRecords,
            boolean truncateUdp) {
        Map<String, InetAddress> records = new HashMap<>();
        aRecords.forEach((name, ip) -> {
            try {
                records.put(normalize(name), Address.getByAddress(ip, Address.IPv4));
            } catch (IOException e) {
                throw new IllegalArgumentException("not an IPv4 address for " + name + ": " + ip, e);
            }
        });
        InetAddress bind;
        try {
            bind = Address.getByAddress(bindAddress);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an address literal: " + bindAddress, e);
        }
        IOException last = null;
        for (int attempt = 0; attempt < (port == 0 ? BIND_ATTEMPTS : 1); attempt++) {
            DatagramSocket udp = null;
            try {
                udp = new DatagramSocket(new InetSocketAddress(bind, port));
                ServerSocket tcp = new ServerSocket();
                try {
                    tcp.setReuseAddress(true);
                    tcp.bind(new InetSocketAddress(bind, udp.getLocalPort()));
                } catch (IOException e) {
                    tcp.close();
                    throw e;
                }
                UpstreamDnsStub stub = new UpstreamDnsStub(records, truncateUdp, udp, tcp);
                stub.startThreads();
                return stub;
            } catch (IOException e) {
                last = e;
                if (udp != null) {
                    udp.close();
                }
            }
        }
        throw new IllegalStateException("cannot bind the DNS stub on " + bindAddress + ":" + port, last);
    }

    private void startThreads() {
        Thread udpThread = new Thread(this::serveUdp, "dns-stub-udp-" + port());
        udpThread.setDaemon(true);
        udpThread.start();
        Thread acceptThread = new Thread(this::acceptTcp, "dns-stub-tcp-" + port());
        acceptThread.setDaemon(true);
        acceptThread.start();
    }

    /** The port of both listeners. */
    public int port() {
        return udp.getLocalPort();
    }

    /** Where the stub listens, to give as an upstream. */
    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), port());
    }

    /** How many queries it got, UDP and TCP. */
    public int queries() {
        return udpQueries.get() + tcpQueries.get();
    }

    /** How many queries it got over TCP. */
    public int tcpQueries() {
        return tcpQueries.get();
    }

    /** Stops both listeners: afterwards queries to its port go unanswered (a dead upstream). */
    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            LOG.debug("Closing the DNS stub's TCP listener: {}", e.toString());
        }
    }

    private void serveUdp() {
        byte[] buffer = new byte[4096];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
                udpQueries.incrementAndGet();
                byte[] answer = answer(query, truncateUdp);
                if (answer != null) {
                    udp.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            } catch (SocketException e) {
                if (!closed) {
                    LOG.warn("DNS stub UDP listener stopped: {}", e.toString());
                }
                return;
            } catch (IOException e) {
                LOG.debug("DNS stub UDP: {}", e.toString());
            }
        }
    }

    private void acceptTcp() {
        while (!closed) {
            try {
                Socket connection = tcp.accept();
                Thread thread = new Thread(() -> serveTcp(connection), "dns-stub-tcp-conn");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("DNS stub TCP listener stopped: {}", e.toString());
                }
                return;
            }
        }
    }

    private void serveTcp(Socket connection) {
        try (connection) {
            DataInputStream in = new DataInputStream(connection.getInputStream());
            DataOutputStream out = new DataOutputStream(connection.getOutputStream());
            while (!closed) {
                int length = in.readUnsignedShort();
                byte[] query = in.readNBytes(length);
                if (query.length < length) {
                    return;
                }
                tcpQueries.incrementAndGet();
                byte[] answer = answer(query, false);
                if (answer == null) {
                    return;
                }
                out.writeShort(answer.length);
                out.write(answer);
                out.flush();
            }
        } catch (EOFException e) {
            // the client closed the connection: normal
        } catch (IOException e) {
            LOG.debug("DNS stub TCP connection: {}", e.toString());
        }
    }

    /** The answer's wire form, or null for a message that is not a query. */
    private byte[] answer(byte[] wire, boolean truncated) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return null;
        }
        Record question = query.getQuestion();
        if (question == null || query.getHeader().getFlag(Flags.QR)) {
            return null;
        }
        Message reply = new Message(query.getHeader().getID());
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            reply.getHeader().setFlag(Flags.RD);
        }
        reply.addRecord(question, Section.QUESTION);
        if (truncated) {
            reply.getHeader().setFlag(Flags.TC);
            return reply.toWire();
        }
        InetAddress address = records.get(normalize(question.getName().toString()));
        if (address == null) {
            reply.getHeader().setRcode(Rcode.NXDOMAIN);
        } else if (question.getType() == Type.A || question.getType() == Type.ANY) {
            reply.addRecord(new ARecord(question.getName(), DClass.IN, TTL_SECONDS, address), Section.ANSWER);
        }
        return reply.toWire();
    }

    private static String normalize(String name) {
        String lower = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
