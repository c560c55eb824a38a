package dev.berth.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.api.PortConfig;
import dev.berth.api.Protocol;
import dev.berth.api.PublishMode;
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
 * Published ports through the real kernel: two containers of a busybox image serve distinct
 * replies on 8080 (no Docker port mapping), the publisher DNATs 18080 to them, and requests to
 * 127.0.0.1:18080 and to the docker0 gateway address are balanced across them. Uses its own
 * chain prefix so a running agent's rules are never touched.
 */
class IptablesPortPublisherIT {

    private static final Logger LOG = LogManager.getLogger(IptablesPortPublisherIT.class);

    private static final String LABEL = "berth.test=ports-it";
    private static final String IMAGE = "berth-test/ports-busybox:1";
    private static final int PUBLISHED = 18080;
    private static final PortRules.Options OPTIONS = new PortRules.Options("BERTHIT", 0x400000);
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
            CommandRunner.Result run = docker("run", "-d", "--label", LABEL, "--name", "berth-ports-it-" + name,
                    IMAGE, "sh", "-c", "mkdir -p /www && echo reply-" + name
                            + " > /www/index.html && exec httpd -f -p 8080 -h /www");
            assertThat(run.ok()).as("docker run: %s", run.stderr()).isTrue();
            String ip = docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "berth-ports-it-" + name)
                    .stdout().strip();
            ips.put(name, ip);
            gateway = docker("inspect", "-f", "{{.NetworkSettings.Gateway}}", "berth-ports-it-" + name)
                    .stdout().strip();
        }
        for (String ip : ips.values()) {
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> get(ip, 8080).startsWith("reply-"));
        }
        LOG.info("containers {} behind gateway {}", ips, gateway);
    }

    @AfterAll
    static void removeAll() throws Exception {
        if (dockerHost != null) {
            removeContainers();
        }
    }

    @Test
    void publishedPortIsBalancedOverRunningTasksAndFollowsThem() throws Exception {
        IptablesPortPublisher publisher = new IptablesPortPublisher(OPTIONS, RUNNER,
                IptablesPortPublisher.ROUTE_LOCALNET, ourBridgePorts());
        try {
            // Nothing answers on the port before it is published.
            assertThatThrownBy(() -> get("127.0.0.1", PUBLISHED)).isInstanceOf(ConnectException.class);

            assertThat(publisher.publish(List.of(endpoint("a"), endpoint("b")))).isTrue();
            assertThat(Files.readString(IptablesPortPublisher.ROUTE_LOCALNET).strip()).isEqualTo("1");
            assertThat(replies("127.0.0.1", 40)).containsExactlyInAnyOrder("reply-a", "reply-b");
            assertThat(replies(gateway, 40)).containsExactlyInAnyOrder("reply-a", "reply-b");
            // Host-originated traffic is local output, not forwarded: the engine's FORWARD DROP
            // policy never sees it, and neither does our FORWARD accept rule.
            assertThat(forwardPackets()).isZero();

            // Hairpin: a task calling the node's published port reaches both tasks, itself included
            // (only possible because the traffic is masqueraded).
            CommandRunner.Result hairpin = docker("exec", "berth-ports-it-a", "sh", "-c",
                    "i=0; while [ $i -lt 30 ]; do wget -qO- http://" + gateway + ":" + PUBLISHED
                            + "/; i=$((i+1)); done");
            assertThat(hairpin.ok()).as("wget in container: %s", hairpin.stderr()).isTrue();
            assertThat(new HashSet<>(hairpin.stdout().lines().toList())).containsExactlyInAnyOrder("reply-a",
                    "reply-b");
            assertThat(forwardPackets()).as("container-to-container DNAT traffic is forwarded").isPositive();

            // Another service cannot take the port; the owning service's next replica can.
            PortCheck check = new PortCheck(publisher::publishedPorts);
            assertThat(check.check("other", List.of(port()))).contains(
                    "port " + PUBLISHED + " is already in use on this node (published by service ports-it)");
            assertThat(check.check("ports-it", List.of(port()))).isEmpty();

            assertThat(publisher.publish(List.of(endpoint("b")))).isTrue();
            assertThat(replies("127.0.0.1", 20)).containsExactly("reply-b");
            assertThat(replies(gateway, 20)).containsExactly("reply-b");
            assertThat(natChains()).filteredOn(c -> c.startsWith("BERTHIT-SEP-")).hasSize(1);

            assertThat(publisher.publish(List.of())).isTrue();
            assertThatThrownBy(() -> get("127.0.0.1", PUBLISHED)).isInstanceOf(ConnectException.class);
            assertThatThrownBy(() -> get(gateway, PUBLISHED)).isInstanceOf(ConnectException.class);
            assertThat(natChains()).noneMatch(c -> c.startsWith("BERTHIT-SVC-") || c.startsWith("BERTHIT-SEP-"));
        } finally {
            publisher.removeAll();
            publisher.close();
        }
        assertThat(natChains()).noneMatch(c -> c.startsWith("BERTHIT-"));
        assertThat(save("nat") + save("filter")).doesNotContain("BERTHIT");
    }

    @Test
    void udpDatagramsAreBalancedToo() throws Exception {
        // Two UDP "tasks" served by this JVM on the bridge's gateway address, told apart by
        // their target port (as old and new tasks are during an update).
        List<DatagramSocket> servers = new ArrayList<>();
        List<LocalEndpoint> endpoints = new ArrayList<>();
        for (String name : List.of("u1", "u2")) {
            DatagramSocket server = new DatagramSocket(new InetSocketAddress(gateway, 0));
            servers.add(server);
            endpoints.add(new LocalEndpoint("task-" + name, "udp-it", List.of(new PortConfig(PUBLISHED + 1,
                    server.getLocalPort(), Protocol.UDP, PublishMode.INGRESS)), gateway));
            Thread echo = new Thread(() -> answer(server, "reply-" + name), "udp-" + name);
            echo.setDaemon(true);
            echo.start();
        }
        IptablesPortPublisher publisher = new IptablesPortPublisher(OPTIONS, RUNNER,
                IptablesPortPublisher.ROUTE_LOCALNET, Files.createTempDirectory("berth-ports-sysfs"));
        try {
            publisher.publish(endpoints);
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                // A fresh socket each time: datagrams of one source port share a conntrack entry
                // and so always reach the same task.
                try (DatagramSocket client = new DatagramSocket()) {
                    client.setSoTimeout(2000);
                    byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
                    client.send(new DatagramPacket(ping, ping.length,
                            new InetSocketAddress("127.0.0.1", PUBLISHED + 1)));
                    DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                    client.receive(reply);
                    seen.add(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
                }
            }
            assertThat(seen).containsExactlyInAnyOrder("reply-u1", "reply-u2");
        } finally {
            publisher.removeAll();
            publisher.close();
            servers.forEach(DatagramSocket::close);
        }
        assertThat(save("nat") + save("filter")).doesNotContain("BERTHIT");
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

    /**
     * A {@code /sys/class/net} holding only the bridge ports of this test's containers (links to
     * the real ones), so the publisher turns hairpin mode on for them and not for the
     * containers of other tests sharing the engine.
     */
    private Path ourBridgePorts() throws IOException {
        Path sys = Files.createTempDirectory("berth-ports-sysfs");
        for (String name : ips.keySet()) {
            String iflink = docker("exec", "berth-ports-it-" + name, "cat", "/sys/class/net/eth0/iflink")
                    .stdout().strip();
            try (var interfaces = Files.list(IptablesPortPublisher.SYS_CLASS_NET)) {
                for (Path dev : interfaces.toList()) {
                    Path index = dev.resolve("ifindex");
                    Path master = dev.resolve("master");
                    if (Files.exists(index) && Files.readString(index).strip().equals(iflink)
                            && Files.exists(master)) {
                        String bridge = master.toRealPath().getFileName().toString();
                        Path brif = Files.createDirectories(sys.resolve(bridge).resolve("brif"));
                        Files.createSymbolicLink(brif.resolve(dev.getFileName().toString()),
                                master.toRealPath().resolve("brif").resolve(dev.getFileName().toString()));
                    }
                }
            }
        }
        return sys;
    }

    private static PortConfig port() {
        return new PortConfig(PUBLISHED, 8080, Protocol.TCP, PublishMode.INGRESS);
    }

    private static LocalEndpoint endpoint(String name) {
        return new LocalEndpoint("task-" + name, "ports-it", List.of(port()), ips.get(name));
    }

    private static Set<String> replies(String host, int requests) throws IOException {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            seen.add(get(host, PUBLISHED));
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
        // Header lines, then one rule: its first column is the packet count.
        List<String> rules = r.stdout().lines().skip(2).filter(l -> !l.isBlank()).toList();
        return rules.stream().mapToLong(l -> Long.parseLong(l.strip().split("\\s+")[0])).sum();
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
