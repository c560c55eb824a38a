package dev.berth.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.api.EndpointAddress;
import dev.berth.api.EndpointMode;
import dev.berth.api.Endpoints;
import dev.berth.api.NetworkSpec;
import dev.berth.api.ObjectMeta;
import dev.berth.api.PortConfig;
import dev.berth.api.Protocol;
import dev.berth.api.PublishMode;
import dev.berth.api.session.SessionMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Service rules through the real kernel: two containers of a busybox image serve distinct
 * replies on 8080 and on 18183 (no Docker port mapping); the service declares only 8080. The
 * network map puts one on this node and calls the other remote (it is on the same bridge, but the
 * rules do not care where a task runs, only the host-mode port does). Requests to the virtual IP
 * (on any port), to 127.0.0.1 and to the docker0 gateway address on the published ports are
 * balanced across them. Uses its own chain prefix, mark bit,
 * container names and virtual IP, so a running agent's rules (and other tests') are never
 * touched.
 */
class IptablesPortPublisherIT {

    private static final Logger LOG = LogManager.getLogger(IptablesPortPublisherIT.class);

    private static final String LABEL = "berth.test=bt-b2-service-rules";
    private static final String NAME = "bt-b2-svc-";
    private static final String IMAGE = "berth-test/ports-busybox:1";
    private static final int PUBLISHED = 18180;
    private static final int HOST_MODE = 18181;
    private static final int UDP = 18182;
    /** A port the tasks serve that the service does not declare: only its virtual IP reaches it. */
    private static final int UNDECLARED = 18183;
    /** Far from the default service CIDR, which a lab on this machine may use. */
    private static final String VIP = "10.253.43.2";
    /** The virtual IP of a service that declares no port at all. */
    private static final String PORTLESS_VIP = "10.253.43.3";
    private static final ServiceRules.Options OPTIONS = new ServiceRules.Options("BTB2", 0x800000);
    private static final CommandRunner RUNNER = new ProcessCommandRunner(Duration.ofSeconds(60));

    private static String dockerHost;
    private static final Map<String, String> ips = new java.util.TreeMap<>();
    private static String gateway;

    @BeforeAll
    static void startContainers() throws Exception {
        dockerHost = findDocker();
        Assumptions.assumeTrue(dockerHost != null, "no docker engine answers on /var/run/docker.sock or "
                + "/run/berth-test-docker.sock");
        removeContainers();
        if (!docker("image", "inspect", IMAGE).ok()) {
            buildImage();
        }
        for (String name : List.of("a", "b")) {
            CommandRunner.Result run = docker("run", "-d", "--label", LABEL, "--name", NAME + name,
                    IMAGE, "sh", "-c", "mkdir -p /www /www2 && echo reply-" + name + " > /www/index.html"
                            + " && echo other-" + name + " > /www2/index.html"
                            + " && httpd -p " + UNDECLARED + " -h /www2 && exec httpd -f -p 8080 -h /www");
            assertThat(run.ok()).as("docker run: %s", run.stderr()).isTrue();
            String ip = docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", NAME + name).stdout().strip();
            ips.put(name, ip);
            gateway = docker("inspect", "-f", "{{.NetworkSettings.Gateway}}", NAME + name).stdout().strip();
        }
        for (String ip : ips.values()) {
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> get(ip, 8080).startsWith("reply-") && get(ip, UNDECLARED).startsWith("other-"));
        }
        LOG.info("containers {} behind gateway {}", ips, gateway);
    }

    @AfterAll
    static void removeAll() throws Exception {
        if (dockerHost != null) {
            removeContainers();
        }
    }

    /** The service: a on this node (node-1), b "remote"; ingress and host-mode ports to 8080. */
    private static SessionMessage.NetworkMap map(boolean aReady, boolean bReady) {
        return new SessionMessage.NetworkMap(NetworkSpec.DEFAULT, "", List.of(), List.of(Endpoints.of(
                ObjectMeta.named("mesh-it"), VIP, EndpointMode.VIP,
                List.of(new PortConfig(PUBLISHED, 8080, Protocol.TCP, PublishMode.INGRESS),
                        new PortConfig(HOST_MODE, 8080, Protocol.TCP, PublishMode.HOST)),
                List.of(new EndpointAddress(ips.get("a"), "task-a", "node-1", aReady),
                        new EndpointAddress(ips.get("b"), "task-b", "node-2", bReady)))));
    }

    @Test
    void virtualIpAndPublishedPortsAreBalancedOverReadyTasksAndFollowThem() throws Exception {
        IptablesPortPublisher publisher = new IptablesPortPublisher(OPTIONS, RUNNER,
                IptablesPortPublisher.ROUTE_LOCALNET);
        try {
            // Nothing answers on the port before it is published.
            assertThatThrownBy(() -> get("127.0.0.1", PUBLISHED)).isInstanceOf(ConnectException.class);

            assertThat(publisher.apply(map(true, true), "node-1")).isTrue();
            assertThat(publisher.apply(map(true, true), "node-1")).as("unchanged").isFalse();
            assertThat(Files.readString(IptablesPortPublisher.ROUTE_LOCALNET).strip()).isEqualTo("1");
            assertThat(replies(VIP, 8080, 40)).containsExactlyInAnyOrder("reply-a", "reply-b");
            // The virtual IP forwards every port, the undeclared one too; the node's addresses
            // forward only the published ports.
            assertThat(replies(VIP, UNDECLARED, 40)).containsExactlyInAnyOrder("other-a", "other-b");
            assertThatThrownBy(() -> get("127.0.0.1", UNDECLARED)).isInstanceOf(ConnectException.class);
            assertThatThrownBy(() -> get(gateway, UNDECLARED)).isInstanceOf(ConnectException.class);
            assertThat(replies("127.0.0.1", PUBLISHED, 40)).containsExactlyInAnyOrder("reply-a", "reply-b");
            assertThat(replies(gateway, PUBLISHED, 40)).containsExactlyInAnyOrder("reply-a", "reply-b");
            // Host mode: only the task on this node.
            assertThat(replies("127.0.0.1", HOST_MODE, 20)).containsExactly("reply-a");
            // Host-originated traffic is local output, not forwarded: the engine's FORWARD DROP
            // policy never sees it, and neither does our FORWARD accept rule.
            assertThat(forwardPackets()).isZero();

            // Hairpin: a task calling its own service (by VIP and by the node's published port)
            // reaches both tasks, itself included (only possible because the traffic is masqueraded).
            Map<String, List<String>> hairpins = Map.of(VIP + ":8080", List.of("reply-a", "reply-b"),
                    gateway + ":" + PUBLISHED, List.of("reply-a", "reply-b"),
                    VIP + ":" + UNDECLARED, List.of("other-a", "other-b"));
            for (Map.Entry<String, List<String>> target : hairpins.entrySet()) {
                CommandRunner.Result hairpin = docker("exec", NAME + "a", "sh", "-c",
                        "i=0; while [ $i -lt 30 ]; do wget -qO- http://" + target.getKey() + "/; i=$((i+1)); done");
                assertThat(hairpin.ok()).as("wget %s in container: %s", target.getKey(), hairpin.stderr()).isTrue();
                assertThat(new HashSet<>(hairpin.stdout().lines().toList())).as(target.getKey())
                        .containsExactlyInAnyOrderElementsOf(target.getValue());
            }
            assertThat(forwardPackets()).as("container-to-container DNAT traffic is forwarded").isPositive();

            // Another service cannot take the port; the owning service's next replica can.
            PortCheck check = new PortCheck(publisher::publishedPorts);
            assertThat(check.check("other", List.of(port()))).contains(
                    "port " + PUBLISHED + " is already in use on this node (published by service mesh-it)");
            assertThat(check.check("mesh-it", List.of(port()))).isEmpty();

            // b is no longer ready: everything goes to a.
            assertThat(publisher.apply(map(true, false), "node-1")).isTrue();
            assertThat(replies(VIP, 8080, 20)).containsExactly("reply-a");
            assertThat(replies(VIP, UNDECLARED, 20)).containsExactly("other-a");
            assertThat(replies(gateway, PUBLISHED, 20)).containsExactly("reply-a");
            // a's chains only: one for the virtual IP (address only), one that the ingress and
            // host-mode ports share (address and target port).
            assertThat(natChains()).filteredOn(c -> c.startsWith("BTB2-SEP-")).hasSize(2);
            assertThat(save("nat").lines().filter(l -> l.startsWith("-A BTB2-SEP-")).toList())
                    .extracting(l -> l.replaceAll(".*--to-destination ", ""))
                    .containsExactlyInAnyOrder(ips.get("a"), ips.get("a") + ":8080");

            // Only the remote task is ready: the mesh still answers here, host mode does not.
            assertThat(publisher.apply(map(false, true), "node-1")).isTrue();
            assertThat(replies("127.0.0.1", PUBLISHED, 20)).containsExactly("reply-b");
            assertThat(replies(VIP, UNDECLARED, 10)).containsExactly("other-b");
            assertThatThrownBy(() -> get("127.0.0.1", HOST_MODE)).isInstanceOf(ConnectException.class);

            // No ready task: the virtual IP refuses at once (REJECT), on every port, instead of
            // timing out.
            assertThat(publisher.apply(map(false, false), "node-1")).isTrue();
            for (int port : List.of(8080, UNDECLARED)) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> get(VIP, port)).as("port %d", port).isInstanceOf(ConnectException.class)
                        .hasMessageContaining("refused");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("port %d", port)
                        .isLessThan(Duration.ofSeconds(1));
            }
            assertThatThrownBy(() -> get("127.0.0.1", PUBLISHED)).isInstanceOf(ConnectException.class);
            assertThatThrownBy(() -> get(gateway, PUBLISHED)).isInstanceOf(ConnectException.class);
            assertThat(natChains()).noneMatch(c -> c.startsWith("BTB2-SVC-") || c.startsWith("BTB2-SEP-"));
            assertThat(publisher.publishedPorts()).isEmpty();
        } finally {
            publisher.removeAll();
            publisher.close();
        }
        assertThat(natChains()).noneMatch(c -> c.startsWith("BTB2-"));
        assertThat(save("nat") + save("filter")).doesNotContain("BTB2");
    }

    @Test
    void udpDatagramsAreBalancedToo() throws Exception {
        // Two UDP "tasks" served by this JVM on two local addresses (the bridge's gateway and
        // another interface's), on one port.
        String other = otherLocalAddress();
        Assumptions.assumeTrue(other != null, "no second local IPv4 address");
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        List<DatagramSocket> servers = new ArrayList<>();
        List<EndpointAddress> addresses = new ArrayList<>();
        Map<String, String> hosts = Map.of("u1", gateway, "u2", other);
        for (String name : List.of("u1", "u2")) {
            DatagramSocket server = new DatagramSocket(new InetSocketAddress(hosts.get(name), port));
            servers.add(server);
            addresses.add(new EndpointAddress(hosts.get(name), "task-" + name, "node-1", true));
            Thread echo = new Thread(() -> answer(server, "reply-" + name), "udp-" + name);
            echo.setDaemon(true);
            echo.start();
        }
        // udp-it publishes the port; portless-it, the same tasks, declares nothing: its virtual
        // IP's one rule, which names no protocol, must carry the datagrams all the same.
        SessionMessage.NetworkMap map = new SessionMessage.NetworkMap(NetworkSpec.DEFAULT, "", List.of(),
                List.of(Endpoints.of(ObjectMeta.named("udp-it"), VIP, EndpointMode.VIP,
                        List.of(new PortConfig(UDP, port, Protocol.UDP, PublishMode.INGRESS)), addresses),
                        Endpoints.of(ObjectMeta.named("portless-it"), PORTLESS_VIP, EndpointMode.VIP, List.of(),
                                addresses)));
        IptablesPortPublisher publisher = new IptablesPortPublisher(OPTIONS, RUNNER,
                IptablesPortPublisher.ROUTE_LOCALNET);
        try {
            publisher.apply(map, "node-1");
            for (InetSocketAddress to : List.of(new InetSocketAddress("127.0.0.1", UDP),
                    new InetSocketAddress(VIP, port), new InetSocketAddress(PORTLESS_VIP, port))) {
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < 40; i++) {
                    // A fresh socket each time: datagrams of one source port share a conntrack
                    // entry and so always reach the same task.
                    try (DatagramSocket client = new DatagramSocket()) {
                        client.setSoTimeout(2000);
                        byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
                        client.send(new DatagramPacket(ping, ping.length, to));
                        DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                        client.receive(reply);
                        seen.add(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
                    }
                }
                assertThat(seen).as("via %s", to).containsExactlyInAnyOrder("reply-u1", "reply-u2");
            }
        } finally {
            publisher.removeAll();
            publisher.close();
            servers.forEach(DatagramSocket::close);
        }
        assertThat(save("nat") + save("filter")).doesNotContain("BTB2");
    }

    /** A local IPv4 address other than loopback and the docker0 gateway, or null. */
    private static String otherLocalAddress() throws IOException {
        for (String line : RUNNER.run(List.of("ip", "-o", "-4", "addr", "show"), "").stdout().split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 4 && "inet".equals(f[2])) {
                String ip = f[3].substring(0, f[3].indexOf('/'));
                if (!ip.startsWith("127.") && !ip.equals(gateway)) {
                    return ip;
                }
            }
        }
        return null;
    }

    private static void answer(DatagramSocket server, String reply) {
        byte[] bytes = reply.getBytes(StandardCharsets.US_ASCII);
        DatagramPacket packet = new DatagramPacket(new byte[64], 64);
        try {
            while (!server.isClosed()) {
                server.receive(packet);
                server.send(new DatagramPacket(bytes, bytes.length, packet.getSocketAddress()));
            }
        } catch (IOException e) {
            // closed at the end of the test
        }
    }


    private static PortConfig port() {
        return new PortConfig(PUBLISHED, 8080, Protocol.TCP, PublishMode.INGRESS);
    }

    private static Set<String> replies(String host, int port, int requests) throws IOException {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            seen.add(get(host, port));
        }
        return seen;
    }

    /** One HTTP/1.0 request on a fresh connection (a pooled one would stick to one task). */
    private static String get(String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            return (body < 0 ? response : response.substring(body + 4)).strip();
        }
    }

    private static long forwardPackets() throws IOException {
        CommandRunner.Result r = RUNNER.run(List.of("iptables", "-w", "-t", "filter", "-L", OPTIONS.forwardChain(),
                "-v", "-x", "-n"), "");
        assertThat(r.ok()).as(r.stderr()).isTrue();
        // Header lines, then the rules: the first accepts marked packets; its first column is the
        // packet count (the second counts the established DNATed connections of the whole machine).
        List<String> rules = r.stdout().lines().skip(2).filter(l -> !l.isBlank()).toList();
        return Long.parseLong(rules.get(0).strip().split("\\s+")[0]);
    }

    private static Set<String> natChains() throws IOException {
        return IptablesPortPublisher.parseChains(save("nat"));
    }

    private static String save(String table) throws IOException {
        return RUNNER.run(List.of("iptables-save", "-t", table), "").stdout();
    }

    private static String findDocker() throws IOException {
        for (String socket : List.of("/var/run/docker.sock", "/run/berth-test-docker.sock")) {
            if (Files.exists(Path.of(socket))
                    && RUNNER.run(List.of("docker", "-H", "unix://" + socket, "version"), "").ok()) {
                return "unix://" + socket;
            }
        }
        return null;
    }

    private static CommandRunner.Result docker(String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("docker", "-H", dockerHost));
        argv.addAll(List.of(args));
        return RUNNER.run(argv, "");
    }

    private static void removeContainers() throws IOException {
        List<String> ids = docker("ps", "-aq", "--filter", "label=" + LABEL).stdout().lines()
                .filter(l -> !l.isBlank()).toList();
        if (!ids.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f"));
            rm.addAll(ids);
            docker(rm.toArray(String[]::new));
        }
    }

    /** A busybox-static rootfs imported as an image: there is no registry to pull from. */
    private static void buildImage() throws IOException, InterruptedException {
        Path root = Files.createTempDirectory("berth-ports-image");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String applet : List.of("sh", "mkdir", "echo", "httpd", "wget", "sleep", "cat", "hostname")) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        Process tar = new ProcessBuilder("tar", "-C", root.toString(), "-c", ".").start();
        Process imp = new ProcessBuilder("docker", "-H", dockerHost, "import", "-c", "CMD [\"/bin/sh\"]", "-", IMAGE)
                .redirectErrorStream(true).start();
        try (InputStream from = tar.getInputStream(); OutputStream to = imp.getOutputStream()) {
            from.transferTo(to);
        }
        String output = new String(imp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor()).isZero();
        assertThat(imp.waitFor()).as("docker import: %s", output).isZero();
    }
}
