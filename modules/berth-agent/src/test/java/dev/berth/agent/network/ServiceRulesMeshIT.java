package dev.berth.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The routing mesh and a virtual IP towards a task on another node, through the real kernel in
 * three network namespaces of this test's own: a client, node 1 (the rules under test, a
 * FORWARD policy of DROP as the engine sets it) and node 2 (the "task": HTTP servers on
 * 10.242.2.5, port 8080, which the service declares and publishes, and port 8081, which it does
 * not declare; reached through a route via node 2's address, as the agents' routes do). Node 1
 * has a default route to an "uplink" where nothing answers: the node's own connections to a virtual IP need a
 * route to it before nat OUTPUT rewrites the destination (as with kube-proxy), and a client's
 * packet for a rejected virtual IP must not be routed back out of the interface it came in on
 * (the kernel would then send an ICMP redirect, whose rate limit swallows the rejection).
 *
 * <pre>
 * client 10.250.1.2 --- 10.250.1.1 node 1 10.250.2.1 --- 10.250.2.2 node 2 (task 10.242.2.5:8080, :8081)
 * </pre>
 */
class ServiceRulesMeshIT {

    private static final String CLIENT = "bt-b2-c";
    private static final String NODE1 = "bt-b2-n1";
    private static final String NODE2 = "bt-b2-n2";
    private static final String NODE1_ADDRESS = "10.250.1.1";
    private static final String TASK_IP = "10.242.2.5";
    private static final String VIP = "10.253.43.9";
    private static final int PUBLISHED = 18190;
    /** A port the task serves that the service does not declare: only the virtual IP reaches it. */
    private static final int UNDECLARED = 8081;
    private static final CommandRunner HOST = new ProcessCommandRunner(Duration.ofSeconds(30));

    private static final List<Process> servers = new ArrayList<>();
    private static final List<Path> roots = new ArrayList<>();

    @BeforeAll
    static void createNamespaces() throws Exception {
        Assumptions.assumeTrue(HOST.run(List.of("ip", "netns", "list"), "").ok(), "no ip netns");
        Assumptions.assumeTrue(HOST.run(List.of("curl", "--version"), "").ok(), "no curl");
        Assumptions.assumeTrue(HOST.run(List.of("busybox", "--list"), "").stdout().contains("httpd"),
                "no busybox httpd");
        deleteNamespaces();
        String script = """
                set -e
                for n in %1$s %2$s %3$s; do ip netns add $n; ip -n $n link set lo up; done
                ip link add bt-b2-c0 netns %1$s type veth peer name bt-b2-n1a netns %2$s
                ip link add bt-b2-n1b netns %2$s type veth peer name bt-b2-n2b netns %3$s
                ip -n %1$s addr add 10.250.1.2/24 dev bt-b2-c0
                ip -n %1$s link set bt-b2-c0 up
                ip -n %1$s route add default via 10.250.1.1
                ip -n %2$s addr add 10.250.1.1/24 dev bt-b2-n1a
                ip -n %2$s link set bt-b2-n1a up
                ip -n %2$s addr add 10.250.2.1/24 dev bt-b2-n1b
                ip -n %2$s link set bt-b2-n1b up
                ip -n %2$s route add 10.242.2.0/24 via 10.250.2.2
                ip link add bt-b2-up0 netns %2$s type veth peer name bt-b2-up1 netns %1$s
                ip -n %2$s link set bt-b2-up0 up
                ip -n %1$s link set bt-b2-up1 up
                ip -n %2$s route add default dev bt-b2-up0
                ip netns exec %2$s sysctl -qw net.ipv4.ip_forward=1
                ip netns exec %2$s iptables -w -P FORWARD DROP
                ip netns exec %2$s sysctl -qw net.ipv4.conf.all.route_localnet=1
                ip -n %3$s addr add 10.250.2.2/24 dev bt-b2-n2b
                ip -n %3$s link set bt-b2-n2b up
                ip -n %3$s addr add 10.242.2.5/32 dev lo
                ip -n %3$s route add default via 10.250.2.1
                """.formatted(CLIENT, NODE1, NODE2);
        CommandRunner.Result setup = HOST.run(List.of("sh", "-c", script), "");
        assertThat(setup.ok()).as("namespaces: %s", setup.stderr()).isTrue();
        for (int port : List.of(8080, UNDECLARED)) {
            Path www = Files.createTempDirectory("bt-b2-www");
            roots.add(www);
            Files.writeString(www.resolve("index.html"), (port == 8080 ? "reply-remote" : "other-remote") + "\n");
            servers.add(new ProcessBuilder("ip", "netns", "exec", NODE2, "busybox", "httpd", "-f", "-p",
                    TASK_IP + ":" + port, "-h", www.toString()).redirectErrorStream(true).start());
            await().atMost(Duration.ofSeconds(10)).until(() -> curl(NODE1, TASK_IP + ":" + port).ok());
        }
    }

    @AfterAll
    static void deleteAll() throws Exception {
        for (Process server : servers) {
            server.destroy();
            server.waitFor();
        }
        deleteNamespaces();
        for (Path www : roots) {
            Files.deleteIfExists(www.resolve("index.html"));
            Files.deleteIfExists(www);
        }
    }

    private static void deleteNamespaces() throws IOException {
        for (String ns : List.of(CLIENT, NODE1, NODE2)) {
            // Deleting a namespace deletes its end of the veth pairs, and so the pairs.
            HOST.run(List.of("ip", "netns", "del", ns), "");
        }
    }

    private static SessionMessage.NetworkMap map(boolean ready) {
        return new SessionMessage.NetworkMap(NetworkSpec.DEFAULT, "10.242.1.0/24", List.of(), List.of(Endpoints.of(
                ObjectMeta.named("mesh"), VIP, EndpointMode.VIP,
                List.of(new PortConfig(PUBLISHED, 8080, Protocol.TCP, PublishMode.INGRESS)),
                List.of(new EndpointAddress(TASK_IP, "task-2", "node-2", ready)))));
    }

    @Test
    void aClientReachesATaskOnAnotherNodeThroughThisNodesPublishedPortAndTheVirtualIp() throws Exception {
        // Without rules node 1 forwards nothing (FORWARD DROP), and nothing listens on the port.
        assertThat(curl(CLIENT, TASK_IP + ":8080").ok()).isFalse();
        assertThat(curl(CLIENT, NODE1_ADDRESS + ":" + PUBLISHED).ok()).isFalse();

        // The namespace's route_localnet is set by the setup (this JVM sees the host's /proc/sys).
        IptablesPortPublisher publisher = new IptablesPortPublisher(ServiceRules.Options.DEFAULT, inNode1(),
                Files.writeString(Files.createTempFile("bt-b2-route-localnet", ""), "1"));
        try {
            assertThat(publisher.apply(map(true), "node-1")).isTrue();
            for (int i = 0; i < 5; i++) {
                assertThat(body(CLIENT, NODE1_ADDRESS + ":" + PUBLISHED)).isEqualTo("reply-remote");
                assertThat(body(CLIENT, VIP + ":8080")).isEqualTo("reply-remote");
                // The virtual IP forwards every port unchanged, not only the declared one.
                assertThat(body(CLIENT, VIP + ":" + UNDECLARED)).isEqualTo("other-remote");
            }
            // From node 1 itself (OUTPUT), by 127.0.0.1 and by the virtual IP.
            assertThat(body(NODE1, "127.0.0.1:" + PUBLISHED)).isEqualTo("reply-remote");
            assertThat(body(NODE1, VIP + ":8080")).isEqualTo("reply-remote");
            assertThat(body(NODE1, VIP + ":" + UNDECLARED)).isEqualTo("other-remote");
            // The node's own address forwards the published port only.
            assertThat(curl(CLIENT, NODE1_ADDRESS + ":" + UNDECLARED).exitCode()).isEqualTo(7);
            // The replies of the client's connections were accepted by the conntrack rule only:
            // the namespace has no other FORWARD rule, and its policy drops.
            assertThat(packets("BERTH-FORWARD", 1)).isPositive();

            // No ready task: the virtual IP is refused at once, on every port, for the client as
            // for the node.
            assertThat(publisher.apply(map(false), "node-1")).isTrue();
            for (String ns : List.of(CLIENT, NODE1)) {
                for (int port : List.of(8080, UNDECLARED)) {
                    long start = System.nanoTime();
                    CommandRunner.Result refused = curl(ns, VIP + ":" + port);
                    // curl's 7 is "could not connect" (here: refused); a timeout would be 28.
                    assertThat(refused.exitCode()).as("%s port %d: %s", ns, port, refused.stderr()).isEqualTo(7);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                }
            }
        } finally {
            publisher.removeAll();
            publisher.close();
        }
        CommandRunner.Result save = inNode1().run(List.of("iptables-save"), "");
        assertThat(save.stdout()).doesNotContain("BERTH");
    }

    /** Runs the publisher's commands in node 1's namespace. */
    private static CommandRunner inNode1() {
        return (argv, stdin) -> {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", NODE1));
            command.addAll(argv);
            return HOST.run(command, stdin);
        };
    }

    /** The body of a successful GET. */
    private static String body(String namespace, String hostPort) throws IOException {
        CommandRunner.Result r = curl(namespace, hostPort);
        assertThat(r.ok()).as("curl %s in %s: %s", hostPort, namespace, r.stderr()).isTrue();
        return r.stdout().strip();
    }

    private static CommandRunner.Result curl(String namespace, String hostPort) throws IOException {
        return HOST.run(List.of("ip", "netns", "exec", namespace, "curl", "-sS", "-m", "3",
                "http://" + hostPort + "/"), "");
    }

    /** The packet counter of one rule (0-based) of a filter chain in node 1. */
    private static long packets(String chain, int rule) throws IOException {
        CommandRunner.Result r = inNode1().run(List.of("iptables", "-w", "-t", "filter", "-L", chain, "-v", "-x",
                "-n"), "");
        assertThat(r.ok()).as(r.stderr()).isTrue();
        List<String> rules = r.stdout().lines().skip(2).filter(l -> !l.isBlank()).toList();
        return Long.parseLong(rules.get(rule).strip().split("\\s+")[0]);
    }
}
