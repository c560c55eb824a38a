package dev.berth.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.EndpointAddress;
import dev.berth.api.EndpointMode;
import dev.berth.testkit.dns.UpstreamDnsStub;
import io.vertx.core.Vertx;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The cluster DNS on a loopback port, asked by dnsjava's SimpleResolver, forwarding to stub upstreams. */
class ClusterDnsIT {

    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofMillis(400);

    private Vertx vertx;
    private final List<AutoCloseable> toClose = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private ClusterDns start(List<InetSocketAddress> upstreams) throws Exception {
        ClusterDns dns = new ClusterDns(vertx, new DnsConfig(LOOPBACK, 0, upstreams, UPSTREAM_TIMEOUT, 2));
        toClose.add(dns);
        dns.start().await(10, TimeUnit.SECONDS);
        assertThat(dns.port()).isPositive();
        dns.update(List.of(
                DnsRecordsTest.endpoints("web", "10.43.0.2", EndpointMode.VIP, ready("10.42.0.3"), ready("10.42.1.3")),
                DnsRecordsTest.endpoints("db", "", EndpointMode.DNSRR, ready("10.42.0.7"), ready("10.42.1.7"),
                        ready("10.42.2.7"))));
        return dns;
    }

    private UpstreamDnsStub stub(Map<String, String> records) {
        UpstreamDnsStub stub = UpstreamDnsStub.start(LOOPBACK, 0, records);
        toClose.add(stub);
        return stub;
    }

    private static EndpointAddress ready(String ip) {
        return new EndpointAddress(ip, "task-" + ip, "node-1", true);
    }

    private static SimpleResolver resolver(ClusterDns dns, boolean tcp) {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(LOOPBACK, dns.port()));
        resolver.setTimeout(Duration.ofSeconds(5));
        resolver.setTCP(tcp);
        return resolver;
    }

    private static Message ask(ClusterDns dns, String name, int type, boolean tcp) throws Exception {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
        return resolver(dns, tcp).send(query);
    }

    private static Message ask(ClusterDns dns, String name) throws Exception {
        return ask(dns, name, Type.A, false);
    }

    private static List<String> ips(Message reply) {
        return reply.getSection(Section.ANSWER).stream()
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).toList();
    }

    @Test
    void answersServiceNamesTasksAndDnsrrAuthoritatively() throws Exception {
        ClusterDns dns = start(List.of());

        Message web = ask(dns, "web");
        assertThat(web.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(web.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(ips(web)).containsExactly("10.43.0.2");
        assertThat(web.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(2);

        assertThat(ips(ask(dns, "tasks.web"))).containsExactlyInAnyOrder("10.42.0.3", "10.42.1.3");
        assertThat(ips(ask(dns, "DB."))).containsExactlyInAnyOrder("10.42.0.7", "10.42.1.7", "10.42.2.7");

        Message aaaa = ask(dns, "web", Type.AAAA, false);
        assertThat(aaaa.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(aaaa.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void multipleAddressesAreRotatedBetweenQueries() throws Exception {
        ClusterDns dns = start(List.of());
        Set<String> firsts = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            firsts.add(ips(ask(dns, "db")).get(0));
        }
        assertThat(firsts).containsExactlyInAnyOrder("10.42.0.7", "10.42.1.7", "10.42.2.7");
    }

    @Test
    void updateReplacesTheRecords() throws Exception {
        ClusterDns dns = start(List.of());
        dns.update(List.of(DnsRecordsTest.endpoints("web", "10.43.0.9", EndpointMode.VIP, ready("10.42.3.3"))));

        assertThat(ips(ask(dns, "web"))).containsExactly("10.43.0.9");
        assertThat(ips(ask(dns, "tasks.web"))).containsExactly("10.42.3.3");
        assertThat(ask(dns, "db").getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void unknownServicesAreNxdomainAtOnceWithoutAskingUpstream() throws Exception {
        UpstreamDnsStub upstream = stub(Map.of());
        ClusterDns dns = start(List.of(upstream.address()));

        long started = System.nanoTime();
        Message nope = ask(dns, "nope");
        Message tasksNope = ask(dns, "tasks.nope");
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(nope.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(nope.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(tasksNope.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(elapsedMillis).isLessThan(1000);
        assertThat(upstream.queries()).isZero();
    }

    @Test
    void outsideNamesAreForwardedAndTheUpstreamAnswerRelayed() throws Exception {
        UpstreamDnsStub upstream = stub(Map.of("example.com", "93.184.216.34"));
        ClusterDns dns = start(List.of(upstream.address()));

        Message found = ask(dns, "Example.COM.");
        assertThat(found.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ips(found)).containsExactly("93.184.216.34");
        assertThat(found.getHeader().getFlag(Flags.AA)).isFalse();

        assertThat(ask(dns, "missing.example.com").getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(upstream.queries()).isEqualTo(2);
    }

    @Test
    void aDeadUpstreamIsSkippedForTheNextOne() throws Exception {
        UpstreamDnsStub dead = stub(Map.of());
        InetSocketAddress deadAddress = dead.address();
        dead.close();
        UpstreamDnsStub alive = stub(Map.of("example.com", "93.184.216.34"));
        ClusterDns dns = start(List.of(deadAddress, alive.address()));

        assertThat(ips(ask(dns, "example.com"))).containsExactly("93.184.216.34");
    }

    @Test
    void noWorkingUpstreamMeansServfailQuickly() throws Exception {
        UpstreamDnsStub dead = stub(Map.of());
        InetSocketAddress deadAddress = dead.address();
        dead.close();
        ClusterDns dns = start(List.of(deadAddress));

        long started = System.nanoTime();
        Message reply = ask(dns, "example.com");
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(reply.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(elapsedMillis).isLessThan(2000);
    }

    @Test
    void noUpstreamAtAllMeansServfailForOutsideNames() throws Exception {
        ClusterDns dns = start(List.of());
        assertThat(ask(dns, "example.com").getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ips(ask(dns, "web"))).containsExactly("10.43.0.2");
    }

    @Test
    void aTruncatedUpstreamAnswerIsFetchedAgainOverTcp() throws Exception {
        UpstreamDnsStub upstream = UpstreamDnsStub.startTruncating(LOOPBACK, 0, Map.of("big.example", "10.9.9.9"));
        toClose.add(upstream);
        ClusterDns dns = start(List.of(upstream.address()));

        Message reply = ask(dns, "big.example");
        assertThat(reply.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(ips(reply)).containsExactly("10.9.9.9");
        assertThat(upstream.tcpQueries()).isEqualTo(1);
    }

    @Test
    void answersOverTcpToo() throws Exception {
        UpstreamDnsStub upstream = stub(Map.of("example.com", "93.184.216.34"));
        ClusterDns dns = start(List.of(upstream.address()));

        assertThat(ips(ask(dns, "web", Type.A, true))).containsExactly("10.43.0.2");
        assertThat(ips(ask(dns, "example.com", Type.A, true))).containsExactly("93.184.216.34");
        assertThat(ask(dns, "nope", Type.A, true).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void severalQueriesOnOneTcpConnectionAreAllAnswered() throws Exception {
        ClusterDns dns = start(List.of());
        try (Socket socket = new Socket(LOOPBACK, dns.port())) {
            socket.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            for (String name : List.of("web.", "tasks.web.")) {
                byte[] query = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)).toWire();
                out.writeShort(query.length);
                out.write(query);
            }
            out.flush();
            Set<Integer> answerCounts = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                byte[] answer = new byte[in.readUnsignedShort()];
                in.readFully(answer);
                answerCounts.add(new Message(answer).getSection(Section.ANSWER).size());
            }
            assertThat(answerCounts).containsExactlyInAnyOrder(1, 2);
        }
    }

    @Test
    void garbageNeitherGetsAnAnswerNorStopsTheServer() throws Exception {
        ClusterDns dns = start(List.of());
        InetAddress loopback = InetAddress.getByName(LOOPBACK);
        Random random = new Random(42);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(300);
            byte[] junk = new byte[200];
            random.nextBytes(junk);
            byte[] truncatedHeader = {0x12, 0x34, 0x01};
            byte[] truncatedQuestion = java.util.Arrays.copyOf(
                    Message.newQuery(Record.newRecord(Name.fromString("web."), Type.A, DClass.IN)).toWire(), 15);
            for (byte[] bad : List.of(junk, truncatedHeader, truncatedQuestion, new byte[0])) {
                socket.send(new DatagramPacket(bad, bad.length, loopback, dns.port()));
            }
            DatagramPacket nothing = new DatagramPacket(new byte[512], 512);
            boolean answered;
            try {
                socket.receive(nothing);
                answered = true;
            } catch (java.net.SocketTimeoutException e) {
                answered = false;
            }
            assertThat(answered).as("an answer to garbage").isFalse();
        }

        try (Socket socket = new Socket(LOOPBACK, dns.port())) {
            socket.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(3);
            out.write(new byte[] {1, 2, 3});
            out.flush();
            assertThat(socket.getInputStream().read()).as("closed by the server").isEqualTo(-1);
        }
        try (Socket socket = new Socket(LOOPBACK, dns.port())) {
            socket.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            byte[] junk = new byte[40];
            random.nextBytes(junk);
            out.writeShort(junk.length);
            out.write(junk);
            out.flush();
            int read;
            try {
                read = new DataInputStream(socket.getInputStream()).read();
            } catch (EOFException e) {
                read = -1;
            }
            assertThat(read).as("closed by the server").isEqualTo(-1);
        }

        // queries with random bits flipped: whatever they parse as, the server must survive them
        // (paced: a burst of hundreds would overflow the socket's kernel buffer and drop the final query)
        byte[] valid = Message.newQuery(Record.newRecord(Name.fromString("tasks.web."), Type.A, DClass.IN)).toWire();
        try (DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < 500; i++) {
                byte[] mutated = valid.clone();
                for (int flips = 0; flips < 3; flips++) {
                    mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
                }
                socket.send(new DatagramPacket(mutated, mutated.length, loopback, dns.port()));
                if (i % 10 == 9) {
                    Thread.sleep(2);
                }
            }
        }

        assertThat(ips(ask(dns, "web"))).containsExactly("10.43.0.2");
        assertThat(ips(ask(dns, "web", Type.A, true))).containsExactly("10.43.0.2");
    }

    @Test
    void aResponseSentToTheServerIsNotAnswered() throws Exception {
        ClusterDns dns = start(List.of());
        Message response = Message.newQuery(Record.newRecord(Name.fromString("web."), Type.A, DClass.IN));
        response.getHeader().setFlag(Flags.QR);
        byte[] wire = response.toWire();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(300);
            socket.send(new DatagramPacket(wire, wire.length, InetAddress.getByName(LOOPBACK), dns.port()));
            boolean answered;
            try {
                socket.receive(new DatagramPacket(new byte[512], 512));
                answered = true;
            } catch (java.net.SocketTimeoutException e) {
                answered = false;
            }
            assertThat(answered).isFalse();
        }
    }

    @Test
    void closeUnbindsThePort() throws Exception {
        ClusterDns dns = start(List.of());
        int port = dns.port();
        dns.close();
        ClusterDns again = new ClusterDns(vertx, new DnsConfig(LOOPBACK, port, List.of(), UPSTREAM_TIMEOUT, 2));
        toClose.add(again);
        again.start().await(10, TimeUnit.SECONDS);
        again.update(List.of(DnsRecordsTest.endpoints("web", "10.43.0.5", EndpointMode.VIP)));
        assertThat(ips(ask(again, "web"))).containsExactly("10.43.0.5");
    }
}
