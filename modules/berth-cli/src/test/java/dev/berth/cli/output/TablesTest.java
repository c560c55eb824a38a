package dev.berth.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.HealthCheck;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeState;
import dev.berth.api.NodeStatus;
import dev.berth.api.ObjectMeta;
import dev.berth.api.PortConfig;
import dev.berth.api.ResourceList;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.api.ServiceStatus;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.cli.client.ApiInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TablesTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    static Service service(String name, String uid, int replicas, int running) {
        ServiceSpec spec = new ServiceSpec("berth/whoami:1", null, replicas, null, null, null,
                List.of(PortConfig.parse("4567:4567")), null, null, null, null, null, null, null, null);
        ObjectMeta meta = new ObjectMeta(name, Map.of(), Map.of(), uid, 5, 1, Optional.of(NOW.minusSeconds(90)));
        return new Service(null, null, meta, spec, new ServiceStatus(replicas, running, 1));
    }

    static Task task(String id, int slot, String node, TaskState state, long createdSecondsAgo) {
        ObjectMeta meta = new ObjectMeta(id, Map.of(Task.SERVICE_LABEL, "whoami"), Map.of(), "", 0, 1,
                Optional.of(NOW.minusSeconds(createdSecondsAgo)));
        TaskSpec spec = new TaskSpec("whoami", "uid", slot, node, TaskState.RUNNING,
                ServiceSpec.ofImage("berth/whoami:1").taskTemplate());
        return Task.of(meta, spec, new TaskStatus(state, "", "", Optional.of(NOW.minusSeconds(createdSecondsAgo)), ""));
    }

    static Node node(String id, String hostname, NodeRole role) {
        return Node.of(ObjectMeta.named(id), new NodeSpec(role, NodeAvailability.ACTIVE),
                new NodeStatus(NodeState.READY, "", hostname, "10.0.0.1", new ResourceList(2, null), "", Optional.empty()));
    }

    @Test
    void serviceLsHasDockersColumnsAndShortIds() {
        List<String> lines = Tables.serviceLs(List.of(service("whoami", "0123456789abcdef", 3, 1))).render().lines()
                .toList();
        assertThat(lines.get(0).split("\\s{2,}"))
                .containsExactly("ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS");
        assertThat(lines.get(1).split("\\s{2,}"))
                .containsExactly("0123456789ab", "whoami", "replicated", "1/3", "berth/whoami:1", "*:4567->4567/tcp");
    }

    @Test
    void globalServicesShowTheControllersCount() {
        Service global = new Service(null, null, ObjectMeta.named("agent"),
                new ServiceSpec("a:1", ServiceMode.GLOBAL, null, null, null, null, null, null, null, null, null, null,
                        null, null, null), new ServiceStatus(4, 2, 1));
        assertThat(Tables.replicas(global)).isEqualTo("2/4");
    }

    @Test
    void servicePsSortsBySlotNewestFirstWithHistoryRows() {
        List<Task> tasks = List.of(
                task("task2aaaaaaaaaaaaaaa", 2, "n1", TaskState.ASSIGNED, 5),
                task("task1old", 1, "n1", TaskState.SHUTDOWN, 60),
                task("task1new", 1, "n2", TaskState.ASSIGNED, 3));
        String out = Tables.servicePs(tasks, Map.of("n1", "host-1", "n2", "host-2"), NOW).render();
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0).split("\\s{2,}")).containsExactly("ID", "NAME", "IMAGE", "NODE", "DESIRED STATE",
                "CURRENT STATE", "ERROR", "PORTS");
        assertThat(lines.get(1)).startsWith("task1new").contains(" whoami.1 ").contains("host-2")
                .contains("Assigned 3 seconds ago");
        assertThat(lines.get(2)).startsWith("task1old").contains("\\_ whoami.1").contains("Shutdown About a minute ago");
        assertThat(lines.get(3)).startsWith("task2aaaaaaa ").contains("whoami.2").contains("host-1");
    }

    @Test
    void nodeLsMarksLeaderAndCurrentNode() {
        ApiInfo info = new ApiInfo("v", "c", "m1", "m1");
        List<String> lines = Tables.nodeLs(List.of(node("w1", "b-worker", NodeRole.WORKER),
                node("m2", "c-manager", NodeRole.MANAGER), node("m1", "a-manager", NodeRole.MANAGER)), info)
                .render().lines().toList();
        assertThat(lines.get(0).split("\\s{2,}"))
                .containsExactly("ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION");
        assertThat(lines.get(1).split("\\s{2,}")).containsExactly("m1 *", "a-manager", "Ready", "Active", "Leader");
        assertThat(lines.get(2).split("\\s{2,}")).containsExactly("w1", "b-worker", "Ready", "Active");
        assertThat(lines.get(3).split("\\s{2,}")).containsExactly("m2", "c-manager", "Ready", "Active", "Reachable");
    }

    @Test
    void getTablesPerKind() {
        assertThat(Tables.header("Service", false).headers())
                .containsExactly("NAME", "MODE", "REPLICAS", "IMAGE", "PORTS", "AGE");
        assertThat(Tables.header("Task", false).headers())
                .containsExactly("NAME", "ID", "NODE", "DESIRED", "CURRENT", "ERROR");
        assertThat(Tables.header("Node", false).headers())
                .containsExactly("NAME", "HOSTNAME", "STATUS", "AVAILABILITY", "ROLE", "AGE");
        assertThat(Tables.header("Cluster", false).headers()).containsExactly("NAME", "AGE");
        assertThat(Tables.getRow(service("web", "u", 2, 0), false, Map.of(), NOW))
                .containsExactly("web", "replicated", "0/2", "berth/whoami:1", "*:4567->4567/tcp", "90s");
        assertThat(Tables.getRow(task("t1", 1, "n1", TaskState.PENDING, 2), false, Map.of("n1", "h1"), NOW))
                .containsExactly("whoami.1", "t1", "h1", "Running", "Pending 2 seconds ago", "");
    }

    @Test
    void nodeLsMarksTheCurrentNodeAndShowsTheEngine() {
        ApiInfo info = new ApiInfo("v", "c", "m1", "m1");
        Node worker = node("w1", "b-worker", NodeRole.WORKER);
        worker = worker.withStatus(new NodeStatus(NodeState.DOWN, "heartbeat lost", "b-worker", "10.0.0.2",
                ResourceList.NONE, "20.10.24", Optional.empty())).withSpec(new NodeSpec(NodeRole.WORKER,
                NodeAvailability.DRAIN));
        List<String> lines = Tables.nodeLs(List.of(worker, node("m1", "a-manager", NodeRole.MANAGER)), info, "w1")
                .render().lines().toList();
        assertThat(lines.get(1).split("\\s{2,}")).containsExactly("m1", "a-manager", "Ready", "Active", "Leader");
        assertThat(lines.get(2).split("\\s{2,}")).containsExactly("w1 *", "b-worker", "Down", "Drain", "20.10.24");
    }

    @Test
    void nodePsShowsWholeIdsWhenNotTruncated() {
        Task t = task("abcdefghijklmnopqrstuvwxy", 1, "n1", TaskState.RUNNING, 2);
        assertThat(Tables.nodePs(List.of(t), Map.of("n1", "h1"), NOW, false).render())
                .contains("abcdefghijkl ").doesNotContain("abcdefghijklm");
        assertThat(Tables.nodePs(List.of(t), Map.of("n1", "h1"), NOW, true).render())
                .contains("abcdefghijklmnopqrstuvwxy").contains("h1");
    }

    @Test
    void nodePrettyIsDockersHumanView() {
        Node m = node("m1", "a-manager", NodeRole.MANAGER);
        m = m.withMetadata(m.metadata().withLabels(Map.of("zone", "a", "ssd", "")));
        String pretty = Describe.nodePretty(m, "m1");
        List<String> lines = pretty.lines().toList();
        assertThat(lines.get(0)).matches("ID:\\s+m1");
        assertThat(lines.get(1)).isEqualTo("Labels:");
        assertThat(lines.get(2)).isEqualTo(" - ssd");
        assertThat(lines.get(3)).isEqualTo(" - zone=a");
        assertThat(pretty).containsPattern("Hostname:\\s+a-manager").containsPattern("\n State:\\s+Ready\n")
                .containsPattern(" Availability:\\s+Active").contains("Manager Status:\n")
                .containsPattern(" Leader:\\s+Yes").containsPattern(" CPUs:\\s+2\n")
                .containsPattern("Engine Version:\\s+<unknown>");
        assertThat(Describe.nodePretty(node("w1", "b", NodeRole.WORKER), "m1")).doesNotContain("Manager Status")
                .doesNotContain("Labels:");
    }

    static dev.berth.api.Endpoints endpoints(String name, String vip, dev.berth.api.EndpointAddress... addresses) {
        ObjectMeta meta = new ObjectMeta(name, Map.of(), Map.of(), "", 7, 1, Optional.of(NOW.minusSeconds(30)));
        return dev.berth.api.Endpoints.of(meta, vip,
                vip.isEmpty() ? dev.berth.api.EndpointMode.DNSRR : dev.berth.api.EndpointMode.VIP,
                List.of(PortConfig.parse("4567:80"), PortConfig.parse("53/udp")), List.of(addresses));
    }

    @Test
    void getEndpointsShowsVirtualIpPortsAndAddresses() {
        var web = endpoints("web", "10.43.0.2", new dev.berth.api.EndpointAddress("10.42.0.5", "t1", "n1", true),
                new dev.berth.api.EndpointAddress("10.42.1.3", "t2", "n2", true));
        var db = endpoints("db", "");
        List<String> lines = Tables.get(List.of(web, db), false, Map.of(), NOW).render().lines().toList();
        assertThat(lines.get(0).split("\\s{2,}")).containsExactly("NAME", "VIRTUAL IP", "MODE", "PORTS", "ADDRESSES");
        assertThat(lines.get(1).split("\\s{2,}")).containsExactly("web", "10.43.0.2", "vip",
                "*:4567->80/tcp,53/udp", "10.42.0.5,10.42.1.3");
        assertThat(lines.get(2).split("\\s{2,}")).containsExactly("db", "<none>", "dnsrr", "*:4567->80/tcp,53/udp",
                "<none>");
        assertThat(Tables.get(List.of(web), true, Map.of(), NOW).render().lines().toList().get(1)).endsWith("30s");
        var notReady = endpoints("x", "10.43.0.3", new dev.berth.api.EndpointAddress("10.42.0.9", "t3", "n1", false));
        assertThat(Tables.addresses(notReady)).isEqualTo("10.42.0.9(not ready)");
    }

    @Test
    void servicePrettyShowsTheVirtualIp() {
        Service s = service("whoami", "0123456789abcdef", 3, 3);
        String pretty = Describe.servicePretty(s, Optional.of(endpoints("whoami", "10.43.0.7")));
        assertThat(pretty).contains("ID:").contains("0123456789abcdef").contains("Name:")
                .contains(" Replicas:").contains("Endpoint Mode:").contains("PublishedPort = 4567")
                .contains("  TargetPort = 4567").contains("  PublishMode = ingress");
        assertThat(pretty.lines().filter(l -> l.startsWith("Virtual IP:")).findFirst().orElseThrow())
                .matches("Virtual IP: +10\\.43\\.0\\.7");
        assertThat(Describe.servicePretty(s, Optional.empty())).contains("<not assigned yet>");
    }

    @Test
    void describeEndpointsListsEachTask() {
        var web = endpoints("web", "10.43.0.2", new dev.berth.api.EndpointAddress("10.42.0.5", "t1", "n1", true));
        String text = Describe.endpoints(web, Map.of("n1", "host-1"), NOW);
        assertThat(text).contains("Virtual IP:").contains("10.43.0.2").contains("Addresses:");
        assertThat(text.lines().filter(l -> l.contains("10.42.0.5")).findFirst().orElseThrow().split("\\s{2,}"))
                .containsExactly("", "10.42.0.5", "t1", "host-1", "yes");
    }

    static Task withHealth(Task t, HealthCheck check, String health) {
        TaskStatus st = t.status();
        ServiceSpec spec = new ServiceSpec("berth/whoami:1", null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, check, true);
        return Task.of(t.metadata(), new TaskSpec("whoami", "uid", t.spec().slot(), t.spec().nodeId(),
                TaskState.RUNNING, spec.taskTemplate()), new TaskStatus(st.state(), st.message(), st.error(),
                st.timestamp(), "c1", "10.42.0.5", health));
    }

    @Test
    void currentStateShowsTheHealthOfRunningTasksAsDockerPsDoes() {
        HealthCheck check = new HealthCheck(List.of("/bin/sh", "-c", "wget -q -O- localhost"), null, null,
                java.time.Duration.ofSeconds(5), null, 2, null);
        Task running = task("t1", 1, "n1", TaskState.RUNNING, 5);
        assertThat(Tables.currentState(withHealth(running, check, "healthy"), NOW))
                .isEqualTo("Running 5 seconds ago (healthy)");
        assertThat(Tables.currentState(withHealth(running, check, "starting"), NOW))
                .isEqualTo("Running 5 seconds ago (health: starting)");
        assertThat(Tables.currentState(withHealth(running, check, "unhealthy"), NOW))
                .isEqualTo("Running 5 seconds ago (unhealthy)");
        // no check, or no longer running: the state alone
        assertThat(Tables.currentState(running, NOW)).isEqualTo("Running 5 seconds ago");
        assertThat(Tables.currentState(withHealth(task("t2", 1, "n1", TaskState.FAILED, 5), check, "unhealthy"), NOW))
                .isEqualTo("Failed 5 seconds ago");
        List<String> lines = Tables.servicePs(List.of(withHealth(running, check, "starting")), Map.of("n1", "h1"), NOW)
                .render().lines().toList();
        assertThat(lines.get(1)).contains("Running 5 seconds ago (health: starting)");
    }

    @Test
    void describeShowsTheHealthCheckAndTheTasksHealth() {
        HealthCheck check = new HealthCheck(List.of("/bin/sh", "-c", "wget -q -O- localhost"), null, null,
                java.time.Duration.ofSeconds(5), null, 2, null);
        Task t = withHealth(task("t1", 1, "n1", TaskState.FAILED, 5), check, "unhealthy");
        String text = Describe.task(t, Map.of("n1", "h1"), NOW);
        assertThat(text).containsPattern("Health: +unhealthy\n")
                .containsPattern("Health check: +cmd /bin/sh -c 'wget -q -O- localhost', interval 5s, timeout 30s,"
                        + " retries 2, start period 0s\n")
                .containsPattern("Init: +yes\n");
        assertThat(Describe.task(task("t2", 1, "n1", TaskState.RUNNING, 5), Map.of(), NOW))
                .containsPattern("Health: +<none>\n").containsPattern("Health check: +<none>\n");

        ServiceSpec spec = new ServiceSpec("berth/whoami:1", null, 2, null, null, null, null, null, null, null, null,
                null, null, null, null, new HealthCheck(null, Optional.of(new HealthCheck.HttpGetProbe("/healthz", 8080)),
                        null, null, null, null, java.time.Duration.ofSeconds(10)), true);
        Service s = new Service(null, null, ObjectMeta.named("whoami"), spec, new ServiceStatus(2, 1, 1));
        assertThat(Describe.service(s, List.of(), Map.of(), NOW))
                .containsPattern("Health check: +http GET :8080/healthz, interval 30s, timeout 30s, retries 3,"
                        + " start period 10s\n").containsPattern("Init: +yes\n");
        String pretty = Describe.servicePretty(s, Optional.empty());
        assertThat(pretty).containsPattern(" Init: +true\n").contains("Healthcheck:\n")
                .containsPattern(" Probe: +http GET :8080/healthz\n").containsPattern(" Retries: +3\n")
                .containsPattern(" Start Period: +10s\n");
        assertThat(Describe.servicePretty(service("plain", "u", 1, 1), Optional.empty()))
                .doesNotContain("Healthcheck").doesNotContain("Init");
        ServiceSpec tcp = new ServiceSpec("db:1", null, 1, null, null, null, null, null, null, null, null, null,
                null, null, null, new HealthCheck(null, null, Optional.of(new HealthCheck.TcpProbe(5432)), null, null,
                        null, null), false);
        assertThat(Describe.service(new Service(null, null, ObjectMeta.named("db"), tcp, new ServiceStatus(1, 1, 1)),
                List.of(), Map.of(), NOW)).contains("tcp :5432, interval 30s").containsPattern("Init: +no\n");
    }
}
