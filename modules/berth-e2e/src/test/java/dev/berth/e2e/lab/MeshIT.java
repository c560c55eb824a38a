package dev.berth.e2e.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.ApiObject;
import dev.berth.api.Placement;
import dev.berth.api.Service;
import dev.berth.api.codec.Codec;
import dev.berth.testkit.dns.UpstreamDnsStub;
import dev.berth.testkit.lab.ExecResult;
import dev.berth.testkit.lab.Lab;
import dev.berth.testkit.lab.LabExtension;
import dev.berth.testkit.lab.LabNode;
import dev.berth.testkit.lab.LabNodes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The article's step 3 ending (the routing mesh: {@code curl core-02:4567} answers although the
 * task runs on core-01) and step 4 (a visitor counter that finds redis by its service name), on
 * three lab nodes: a published port answers on every node's address and balances over tasks on
 * any node; names resolve inside containers through the node's DNS server ({@code whoami} → the
 * virtual IP, {@code tasks.whoami} → the tasks, outside names → the upstream, unknown names →
 * NXDOMAIN); a killed task leaves DNS and every node's rules within about a second.
 *
 * <p>The tests run in order on one {@code whoami} service: created with one replica, scaled to
 * three, then probed.
 */
@ExtendWith(LabExtension.class)
@LabNodes(3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshIT {

    private static final Logger LOG = LogManager.getLogger(MeshIT.class);
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The lab's agents forward outside names here (lab.sh: {@code --dns-upstream}). */
    private static final String UPSTREAM_ADDRESS = "10.99.0.1";
    private static final int UPSTREAM_PORT = 5300;
    private static final String OUTSIDE_NAME = "outside.berth.test";
    private static final String OUTSIDE_ADDRESS = "192.0.2.77";
    private static final Pattern ADDRESS_LINE = Pattern.compile("(?m)^Address(?: \\d+)?:\\s*([0-9.]+)\\s*$");

    private static UpstreamDnsStub upstream;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .version(HttpClient.Version.HTTP_1_1).build();
    private Lab lab;
    private LabApi api;

    @BeforeAll
    static void startUpstream() throws IOException {
        upstream = UpstreamDnsStub.start(UPSTREAM_ADDRESS, UPSTREAM_PORT, Map.of(OUTSIDE_NAME, OUTSIDE_ADDRESS));
    }

    @AfterAll
    static void stopUpstream() {
        if (upstream != null) {
            upstream.close();
        }
    }

    @BeforeEach
    void setUp(Lab lab) {
        this.lab = lab;
        this.api = new LabApi(lab.managerUrl());
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() ->
                api.readyNodes() >= lab.nodes().size());
    }

    @Test
    @Order(1)
    void aPublishedPortAnswersOnEveryNodeWhereverTheTaskRuns() {
        ExecResult created = berth(node(1), "service", "create", "--name", "whoami", "-p", "4567:4567",
                "berth-examples/whoami:1");
        assertThat(created.ok()).as(created.stderr()).isTrue();
        awaitRunning("whoami", 1);
        String hostname = containerHostnames("whoami").iterator().next();

        for (LabNode n : lab.nodes()) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(get(n, 4567)).as("curl %s:4567", n.address()).contains(hostname));
        }
    }

    @Test
    @Order(2)
    void scaledToThreeEveryNodeReachesAllThreeTasks() {
        ExecResult scaled = berth(node(1), "service", "scale", "whoami=3");
        assertThat(scaled.ok()).as(scaled.stderr()).isTrue();
        awaitRunning("whoami", 3);
        Set<String> hostnames = containerHostnames("whoami");
        assertThat(hostnames).hasSize(3);

        for (LabNode n : lab.nodes()) {
            Set<String> seen = new HashSet<>();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
                seen.add(get(n, 4567).strip());
                return seen.containsAll(hostnames);
            });
            assertThat(seen).as("answers through %s", n.hostname()).isEqualTo(hostnames);
        }
    }

    @Test
    @Order(3)
    void namesResolveInsideContainers() {
        awaitRunning("whoami", 3);
        JsonNode endpoints = awaitEndpoints("whoami", 3);
        String vip = endpoints.path("virtualIp").asText();
        Set<String> taskIps = addresses(endpoints);
        assertThat(vip).startsWith("10.43.");
        assertThat(taskIps).hasSize(3).allSatisfy(ip -> assertThat(ip).startsWith("10.42."));

        for (LabNode n : lab.nodes()) {
            String container = aContainer(n, "whoami").orElse(null);
            if (container == null) {
                continue;
            }
            assertThat(lookup(n, container, "whoami")).as("whoami on %s", n.hostname()).containsExactly(vip);
            assertThat(lookup(n, container, "tasks.whoami")).as("tasks.whoami on %s", n.hostname())
                    .containsExactlyInAnyOrderElementsOf(taskIps);
            assertThat(lookup(n, container, OUTSIDE_NAME)).as("%s on %s", OUTSIDE_NAME, n.hostname())
                    .containsExactly(OUTSIDE_ADDRESS);
            // and the virtual IP answers from inside a container, on any node
            // (busybox nc: the image's static busybox wget crashes on addresses that are not local).
            // Several requests: one in three is balanced onto the asking task itself (hairpin).
            for (int i = 0; i < 6; i++) {
                ExecResult viaVip = lab.docker(n, "exec", container, "/bin/sh", "-c",
                        "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | /bin/busybox nc -w 5 whoami 4567");
                assertThat(viaVip.ok()).as("GET http://whoami:4567/ on %s: %s", n.hostname(), viaVip.stderr())
                        .isTrue();
                List<String> lines = viaVip.out().strip().lines().toList();
                assertThat(lines).as("answer through the virtual IP on %s", n.hostname()).isNotEmpty();
                assertThat(lines.get(0)).contains("200");
                assertThat(containerHostnames("whoami")).contains(lines.get(lines.size() - 1).strip());
            }
        }
    }

    @Test
    @Order(4)
    void anUnknownNameIsNxdomainAtOnce() {
        LabNode n = node(2);
        String container = aContainer(n, "whoami").orElseGet(() -> aContainer(node(1), "whoami").orElseThrow());
        LabNode on = aContainer(n, "whoami").isPresent() ? n : node(1);
        long t0 = System.nanoTime();
        ExecResult r = lab.docker(on, "exec", container, "/bin/busybox", "nslookup", "no-such-service");
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.info("nslookup no-such-service took {} s", String.format("%.2f", seconds));
        assertThat(r.out() + r.stderr()).contains("NXDOMAIN");
        // busybox nslookup retries a silent server for 5 s and more; docker exec itself takes ~0.2 s
        assertThat(seconds).isLessThan(3.0);
    }

    @Test
    @Order(5)
    void aKilledTaskLeavesDnsAndTheMeshWithinAboutASecond() {
        awaitRunning("whoami", 3);
        JsonNode endpoints = awaitEndpoints("whoami", 3);
        JsonNode victim = endpoints.path("addresses").get(0);
        String victimIp = victim.path("ip").asText();
        String victimTask = victim.path("taskId").asText();
        LabNode victimNode = lab.nodes().stream()
                .filter(n -> victim.path("nodeId").asText().equals(api.nodeIds().get(n.hostname())))
                .findFirst().orElseThrow();
        LabNode observer = lab.nodes().stream().filter(n -> n != victimNode && aContainer(n, "whoami").isPresent())
                .findFirst().orElseThrow();
        String observerContainer = aContainer(observer, "whoami").orElseThrow();
        ExecResult ps = lab.docker(victimNode, "ps", "-q", "--filter", "label=berth.task.id=" + victimTask);
        String container = ps.out().strip();
        assertThat(container).as("container of task %s on %s", victimTask, victimNode.hostname()).isNotEmpty();

        long t0 = System.nanoTime();
        assertThat(lab.docker(victimNode, "kill", container).ok()).isTrue();
        double dnsGone = -1;
        double rulesGone = -1;
        while ((dnsGone < 0 || rulesGone < 0) && (System.nanoTime() - t0) < 15_000_000_000L) {
            double now = (System.nanoTime() - t0) / 1e9;
            if (dnsGone < 0 && !lookup(observer, observerContainer, "tasks.whoami").contains(victimIp)) {
                dnsGone = now;
            }
            if (rulesGone < 0 && lab.nodes().stream().noneMatch(n -> natRules(n).contains(victimIp + ":4567"))) {
                rulesGone = now;
            }
        }
        LOG.info("killed task {} ({}): gone from DNS after {} s, from every node's rules after {} s", victimTask,
                victimIp, String.format("%.2f", dnsGone), String.format("%.2f", rulesGone));
        assertThat(dnsGone).as("seconds until tasks.whoami lost %s", victimIp).isBetween(0.0, 2.0);
        assertThat(rulesGone).as("seconds until no node forwards to %s", victimIp).isBetween(0.0, 2.0);
        // and the mesh keeps answering through every node meanwhile
        for (LabNode n : lab.nodes()) {
            for (int i = 0; i < 10; i++) {
                assertThat(get(n, 4567)).isNotBlank();
            }
        }
    }

    @Test
    @Order(6)
    void aSecondServiceCannotPublishTheSamePort() {
        ExecResult r = berth(node(1), "service", "create", "--name", "other", "-p", "4567:80", "berth-examples/whoami:1");
        assertThat(r.ok()).isFalse();
        assertThat(r.stderr()).contains("4567").contains("whoami");
        assertThat(berth(node(1), "service", "ls").out()).doesNotContain("other");
    }

    @Test
    @Order(7)
    void theCounterCountsAcrossRequestsThroughEveryNodeWithRedisElsewhere() throws IOException {
        // examples/counter.yaml, with redis pinned to node 3 and the web app kept off it
        List<String> docs = new ArrayList<>();
        for (ApiObject o : Codec.decodeAll(Files.readString(repo().resolve("examples/counter.yaml")))) {
            Service s = (Service) o;
            String constraint = s.name().equals("redis") ? "node.hostname==lab-3" : "node.hostname!=lab-3";
            Placement p = s.spec().placement();
            List<String> constraints = new ArrayList<>(p.constraints());
            constraints.add(constraint);
            Placement placed = new Placement(constraints, p.maxReplicasPerNode(), p.preferences());
            docs.add(Codec.toYaml(s.withSpec(s.spec().withPlacement(placed))));
        }
        Path file = Files.createTempFile("counter", ".yaml");
        Files.writeString(file, String.join("---\n", docs));
        ExecResult applied = berth(node(1), "apply", "-f", file.toString());
        assertThat(applied.ok()).as(applied.stderr()).isTrue();
        awaitRunning("redis", 1);
        int counterReplicas = (int) api.tasks("counter").stream().map(LabApi.TaskView::slot).distinct().count();
        awaitRunning("counter", Math.max(1, counterReplicas));
        assertThat(api.runningPerNode("redis")).containsOnlyKeys(api.nodeIds().get("lab-3"));
        assertThat(api.runningPerNode("counter")).doesNotContainKey(api.nodeIds().get("lab-3"));

        int port = COUNTER_PORT;
        long last = -1;
        for (int round = 0; round < 3; round++) {
            for (LabNode n : lab.nodes()) {
                String body = awaitAnswer(n, port);
                long visits = visits(body);
                if (last >= 0) {
                    // one request, one visit: redis counts every request through every node
                    assertThat(visits).as("visits answered through %s: %s", n.hostname(), body).isEqualTo(last + 1);
                }
                last = visits;
            }
        }
        berth(node(1), "service", "rm", "counter", "redis");
    }

    @Test
    @Order(8)
    void aJoiningNodeGetsASubnetRoutesBothWaysAndServesTheMeshAndLeavingTakesItsRoutes() {
        LabNode fourth = lab.addNode();
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() ->
                "ready".equals(api.nodeStates().get(api.nodeIds().get(fourth.hostname()))));
        JsonNode node = api.get("/api/v1/nodes/" + api.nodeIds().get(fourth.hostname()));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                !api.get("/api/v1/nodes/" + api.nodeIds().get(fourth.hostname())).path("spec").path("subnet").asText()
                        .isEmpty());
        String subnet = api.get("/api/v1/nodes/" + api.nodeIds().get(fourth.hostname())).path("spec").path("subnet")
                .asText();
        LOG.info("node {} ({}) got subnet {}", fourth.hostname(), node.path("metadata").path("name").asText(), subnet);
        assertThat(subnet).startsWith("10.42.");
        // every other node routes the new subnet through the new node, and the new node routes theirs
        for (LabNode n : lab.nodes()) {
            if (n == fourth) {
                continue;
            }
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(lab.exec(n, "ip", "-4", "route", "show", subnet).out())
                            .as("route to %s on %s", subnet, n.hostname()).contains("via " + fourth.address()));
            String theirs = api.get("/api/v1/nodes/" + api.nodeIds().get(n.hostname())).path("spec").path("subnet")
                    .asText();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(lab.exec(fourth, "ip", "-4", "route", "show", theirs).out())
                            .as("route to %s on %s", theirs, fourth.hostname()).contains("via " + n.address()));
        }
        // and the published port answers on it, from tasks on the other nodes
        Set<String> hostnames = containerHostnames("whoami");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(hostnames).contains(get(fourth, 4567).strip()));

        // removed from the cluster, its subnet is free again and no node routes it any more
        ExecResult removed = berth(node(1), "node", "rm", "--force", fourth.hostname());
        assertThat(removed.ok()).as(removed.stderr()).isTrue();
        for (LabNode n : lab.nodes()) {
            if (n == fourth) {
                continue;
            }
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(lab.exec(n, "ip", "-4", "route", "show", subnet).out())
                            .as("route to %s on %s after the node left", subnet, n.hostname()).isBlank());
        }
    }

    /** The counter's published port (examples/counter.yaml). */
    private static final int COUNTER_PORT = 4568;

    /** All visits the page lists: one {@code <container> > <visits>} line per counter container. */
    private static long visits(String body) {
        Matcher m = Pattern.compile("(?m)^\\S+ > (\\d+)$").matcher(body.strip());
        long total = 0;
        int lines = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
            lines++;
        }
        assertThat(lines).as("visit lines in %s", body).isPositive();
        return total;
    }

    private String awaitAnswer(LabNode n, int port) {
        String[] body = new String[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + n.address() + ":"
                        + port + "/")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                body[0] = r.body();
                return r.statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return body[0];
    }

    private static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("examples/counter.yaml"))) {
            p = p.getParent();
        }
        assertThat(p).as("the repository root (with examples/counter.yaml)").isNotNull();
        return p;
    }

    // --- helpers ---------------------------------------------------------------------------

    private LabNode node(int i) {
        return lab.node(i);
    }

    private ExecResult berth(LabNode on, String... args) {
        ExecResult r = lab.berth(on, args);
        LOG.info("berth {} -> {}\n{}{}", String.join(" ", args), r.exit(), r.stdout(), r.stderr());
        return r;
    }

    private void awaitRunning(String svc, int count) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() ->
                api.runningPerNode(svc).values().stream().mapToInt(Integer::intValue).sum() == count);
    }

    /** The service's Endpoints once it lists {@code count} addresses. */
    private JsonNode awaitEndpoints(String svc, int count) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Optional<JsonNode> e = api.endpoints(svc);
            found[0] = e.orElse(null);
            return e.isPresent() && e.get().path("addresses").size() == count;
        });
        return found[0];
    }

    private static Set<String> addresses(JsonNode endpoints) {
        Set<String> ips = new HashSet<>();
        endpoints.path("addresses").forEach(a -> ips.add(a.path("ip").asText()));
        return ips;
    }

    /** GET http://node:port/ from the host, through the node's address. */
    private String get(LabNode n, int port) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + n.address() + ":" + port
                    + "/")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET %s:%d", n.address(), port).isEqualTo(200);
            return r.body();
        } catch (IOException e) {
            throw new AssertionError("GET " + n.address() + ":" + port + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The hostnames (= short container ids) of the service's running containers on every node. */
    private Set<String> containerHostnames(String svc) {
        Set<String> names = new HashSet<>();
        for (LabNode n : lab.nodes()) {
            ExecResult ps = lab.docker(n, "ps", "-q", "--filter", "name=^/" + svc + "\\.");
            ps.out().lines().filter(l -> !l.isBlank()).forEach(id -> names.add(id.strip().substring(0, 12)));
        }
        return names;
    }

    private Optional<String> aContainer(LabNode n, String svc) {
        ExecResult ps = lab.docker(n, "ps", "-q", "--filter", "name=^/" + svc + "\\.");
        return ps.out().lines().filter(l -> !l.isBlank()).map(String::strip).findFirst();
    }

    /** The addresses busybox nslookup prints for {@code name} inside {@code container}. */
    private List<String> lookup(LabNode n, String container, String name) {
        ExecResult r = lab.docker(n, "exec", container, "/bin/busybox", "nslookup", "-type=a", name);
        String out = r.out();
        int answer = out.indexOf("Name:");
        if (answer < 0) {
            return List.of();
        }
        Matcher m = ADDRESS_LINE.matcher(out.substring(answer));
        List<String> ips = new ArrayList<>();
        while (m.find()) {
            ips.add(m.group(1));
        }
        return ips.stream().distinct().collect(Collectors.toList());
    }

    private String natRules(LabNode n) {
        return lab.exec(n, "iptables-save", "-t", "nat").out();
    }
}
