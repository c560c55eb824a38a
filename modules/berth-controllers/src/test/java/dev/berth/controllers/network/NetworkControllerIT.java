package dev.berth.controllers.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.api.ByteSize;
import dev.berth.api.Cidr;
import dev.berth.api.Cluster;
import dev.berth.api.ClusterSpec;
import dev.berth.api.EndpointAddress;
import dev.berth.api.EndpointMode;
import dev.berth.api.Endpoints;
import dev.berth.api.Kind;
import dev.berth.api.NetworkSpec;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeState;
import dev.berth.api.NodeStatus;
import dev.berth.api.ObjectMeta;
import dev.berth.api.PortConfig;
import dev.berth.api.ResourceList;
import dev.berth.api.RestartPolicy;
import dev.berth.api.Service;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.controllers.ControllerManager;
import dev.berth.store.ObjectStore;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The network controller inside the {@link ControllerManager}, against a real etcd: node subnets,
 * Endpoints following tasks, virtual IPs handed out lowest first and kept across a leader change.
 * The test plays the agents: it moves assigned tasks to RUNNING with an address.
 */
@ExtendWith(EtcdExtension.class)
class NetworkControllerIT {

    private static final Logger LOG = LogManager.getLogger(NetworkControllerIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(5);
    // what an agent's DNS and iptables may lag behind a task: generous for a loaded test machine,
    // still far under what a user would notice
    private static final Duration REACTION = Duration.ofSeconds(1);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Cluster cluster(NetworkSpec network) {
        return new Cluster(null, null, ObjectMeta.named(Cluster.DEFAULT_NAME).created("uid-cluster", T0),
                new ClusterSpec(null, null, network), null);
    }

    private static Node node(String id, int createdSecond) {
        return Node.of(ObjectMeta.named(id).created("uid-" + id, T0.plusSeconds(createdSecond)),
                new NodeSpec(NodeRole.WORKER, NodeAvailability.ACTIVE),
                new NodeStatus(NodeState.READY, "", id, "127.0.0.1", new ResourceList(4, ByteSize.parse("8Gi")), "",
                        Optional.of(Instant.now())));
    }

    private static Service service(String name, int replicas, EndpointMode mode, String... ports) {
        List<PortConfig> portConfigs = java.util.Arrays.stream(ports).map(PortConfig::parse).toList();
        return Service.of(ObjectMeta.named(name).created("uid-" + name + "-" + System.nanoTime(), Instant.now()),
                new ServiceSpec("example/whoami:1", null, replicas, null, null, null, portConfigs, null, null,
                        new RestartPolicy(null, Duration.ZERO, null, null), null, null, mode, null, null));
    }

    private static String subnetOf(ObjectStore store, String nodeId) {
        return store.get(Kind.NODE, nodeId).orElseThrow().spec().subnet();
    }

    private static Optional<Endpoints> endpoints(ObjectStore store, String name) {
        return store.get(Kind.ENDPOINTS, name);
    }

    /** The stored Endpoints; an assertion error (which awaitility retries) while there is none. */
    private static Endpoints endpointsOf(ObjectStore store, String name) {
        Optional<Endpoints> e = endpoints(store, name);
        assertThat(e).as("endpoints %s", name).isPresent();
        return e.get();
    }

    private static List<Task> liveTasks(ObjectStore store, String service) {
        return store.list(Kind.TASK).items().stream()
                .filter(t -> t.spec().serviceName().equals(service) && t.isLive())
                .sorted(Comparator.comparing(Task::id))
                .toList();
    }

    /** What an agent does: an assigned task starts and reports its address in its node's subnet. */
    private static Task run(ObjectStore store, Task t, String address) {
        TaskStatus moved = t.status().movedTo(TaskState.RUNNING, "started", "", Instant.now());
        return store.update(t.withStatus(new TaskStatus(moved.state(), moved.message(), moved.error(),
                moved.timestamp(), "c-" + t.id(), address)));
    }

    private static List<Task> assignedTasks(ObjectStore store, String service) {
        return liveTasks(store, service).stream().filter(t -> t.status().state() == TaskState.ASSIGNED).toList();
    }

    /**
     * Waits for {@code n} assigned tasks of {@code service} and runs them, numbering their
     * addresses per node from {@code firstHost}.
     */
    private static List<Task> runTasks(ObjectStore store, String service, int n, int firstHost) {
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(assignedTasks(store, service)).hasSize(n));
        List<Task> assigned = assignedTasks(store, service);
        Map<String, Integer> nextHost = new java.util.HashMap<>();
        List<Task> running = new java.util.ArrayList<>();
        for (Task t : assigned) {
            Cidr subnet = Cidr.parse(subnetOf(store, t.spec().nodeId()));
            int host = nextHost.merge(t.spec().nodeId(), 1, Integer::sum) - 1 + firstHost;
            running.add(run(store, t, subnet.host(host)));
        }
        return running;
    }

    private static List<EndpointAddress> expected(List<Task> tasks) {
        return tasks.stream().sorted(Comparator.comparing(Task::id))
                .map(t -> new EndpointAddress(t.status().address(), t.id(), t.spec().nodeId(), true)).toList();
    }

    private static long awaitMillis(Runnable assertion) {
        long start = System.nanoTime();
        await().atMost(TIMEOUT).pollInterval(POLL).pollDelay(Duration.ZERO).untilAsserted(assertion::run);
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    @Test
    void nodesGetSubnetsAndEndpointsFollowTasksAndServices(EtcdTestEnv env) {
        ObjectStore store = env.newStore();
        store.create(cluster(NetworkSpec.DEFAULT));
        store.create(node("node-b", 2));
        store.create(node("node-a", 1));
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC())) {
            manager.start();

            // the node that joined first gets the first subnet
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(subnetOf(store, "node-a")).isEqualTo("10.42.0.0/24");
                assertThat(subnetOf(store, "node-b")).isEqualTo("10.42.1.0/24");
            });

            store.create(service("web", 2, EndpointMode.VIP, "8080:80"));
            // the Endpoints exists (with its VIP) before any task runs
            await().atMost(TIMEOUT).untilAsserted(() -> {
                Endpoints e = endpointsOf(store, "web");
                assertThat(e.virtualIp()).isEqualTo("10.43.0.2");
                assertThat(e.addresses()).isEmpty();
            });
            List<Task> web = runTasks(store, "web", 2, 2);
            assertThat(web).extracting(t -> t.status().address()).allMatch(a -> a.startsWith("10.42."));
            long started = awaitMillis(() -> {
                Endpoints e = endpointsOf(store, "web");
                assertThat(e.virtualIp()).isEqualTo("10.43.0.2");
                assertThat(e.mode()).isEqualTo(EndpointMode.VIP);
                assertThat(e.ports()).containsExactly(PortConfig.parse("8080:80"));
                assertThat(e.addresses()).isEqualTo(expected(web));
                assertThat(e.metadata().uid()).isNotEmpty();
            });
            LOG.info("running tasks were in the Endpoints {} ms after the last one started", started);

            // a task stops: its address leaves the Endpoints at once
            Task stopping = store.get(Kind.TASK, web.get(0).id()).orElseThrow();
            store.update(stopping.withStatus(stopping.status().movedTo(TaskState.FAILED, "exited", "exit 1",
                    Instant.now())));
            long stopped = awaitMillis(() -> assertThat(endpointsOf(store, "web").addresses())
                    .isEqualTo(expected(web.subList(1, 2))));
            LOG.info("a stopped task left the Endpoints after {} ms", stopped);
            assertThat(Duration.ofMillis(stopped)).isLessThan(REACTION);

            // its replacement joins once it runs
            List<Task> replacement = runTasks(store, "web", 1, 10);
            long joined = awaitMillis(() -> assertThat(endpointsOf(store, "web").addresses())
                    .isEqualTo(expected(List.of(web.get(1), replacement.get(0)))));
            LOG.info("a started task joined the Endpoints after {} ms", joined);
            assertThat(Duration.ofMillis(joined)).isLessThan(REACTION);

            // more services: the next free VIPs; none in dnsrr mode
            store.create(service("db", 1, EndpointMode.VIP));
            store.create(service("rr", 1, EndpointMode.DNSRR, "53/udp"));
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(endpointsOf(store, "db").virtualIp()).isEqualTo("10.43.0.3");
                Endpoints rr = endpointsOf(store, "rr");
                assertThat(rr.virtualIp()).isEmpty();
                assertThat(rr.mode()).isEqualTo(EndpointMode.DNSRR);
            });
            List<Task> rrTasks = runTasks(store, "rr", 1, 20);
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(endpointsOf(store, "rr").addresses())
                    .isEqualTo(expected(rrTasks)));

            // a deleted service loses its Endpoints, and its VIP goes to the next new service
            Service webStored = store.get(Kind.SERVICE, "web").orElseThrow();
            store.delete(Kind.SERVICE, "web", webStored.metadata().resourceVersion());
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(endpoints(store, "web")).isEmpty());
            store.create(service("api", 1, EndpointMode.VIP));
            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(endpointsOf(store, "api").virtualIp()).isEqualTo("10.43.0.2"));

            // a removed node's subnet goes to the next node that joins
            Node a = store.get(Kind.NODE, "node-a").orElseThrow();
            store.delete(Kind.NODE, "node-a", a.metadata().resourceVersion());
            store.create(node("node-c", 3));
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(subnetOf(store, "node-c")).isEqualTo("10.42.0.0/24"));
            assertThat(subnetOf(store, "node-b")).isEqualTo("10.42.1.0/24");
        }

        // a new leader keeps every VIP and rewrites nothing that is right
        Map<String, Long> versions = store.list(Kind.ENDPOINTS).items().stream()
                .collect(Collectors.toMap(Endpoints::name, e -> e.metadata().resourceVersion()));
        assertThat(versions).containsOnlyKeys("db", "rr", "api");
        try (ControllerManager next = new ControllerManager(store, Clock.systemUTC())) {
            next.start();
            store.create(service("late", 1, EndpointMode.VIP));
            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(endpointsOf(store, "late").virtualIp()).isEqualTo("10.43.0.4"));
            assertThat(endpointsOf(store, "db").virtualIp()).isEqualTo("10.43.0.3");
            assertThat(endpointsOf(store, "api").virtualIp()).isEqualTo("10.43.0.2");
            for (Map.Entry<String, Long> v : versions.entrySet()) {
                assertThat(endpointsOf(store, v.getKey()).metadata().resourceVersion())
                        .as("version of %s", v.getKey()).isEqualTo(v.getValue());
            }
        }
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("berth-network"));
    }

    @Test
    void storedVipsAreKeptAndEndpointsOfMissingServicesAreDeleted(EtcdTestEnv env) {
        ObjectStore store = env.newStore();
        store.create(cluster(NetworkSpec.DEFAULT));
        store.create(service("web", 1, EndpointMode.VIP, "80"));
        store.create(Endpoints.of(ObjectMeta.named("web").created("uid-ep-web", T0), "10.43.0.7", EndpointMode.VIP,
                List.of(), List.of()));
        // written by an earlier leader for a service that is gone since
        store.create(Endpoints.of(ObjectMeta.named("gone").created("uid-ep-gone", T0), "10.43.0.2",
                EndpointMode.VIP, List.of(), List.of()));
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC())) {
            manager.start();
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(endpoints(store, "gone")).isEmpty();
                Endpoints web = endpointsOf(store, "web");
                assertThat(web.virtualIp()).isEqualTo("10.43.0.7");
                assertThat(web.ports()).containsExactly(PortConfig.parse("80"));
            });
            // a burst of new services: each its own VIP, although the cache lags behind the writes
            for (int i = 1; i <= 6; i++) {
                store.create(service("s" + i, 1, EndpointMode.VIP));
            }
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(store.list(Kind.ENDPOINTS).items().stream()
                    .filter(e -> e.name().startsWith("s")).map(Endpoints::virtualIp).sorted().toList())
                    .containsExactly("10.43.0.2", "10.43.0.3", "10.43.0.4", "10.43.0.5", "10.43.0.6", "10.43.0.8"));
        }
    }

    @Test
    void aFullContainerRangeLeavesANodeWaitingUntilAnotherLeaves(EtcdTestEnv env) {
        ObjectStore store = env.newStore();
        store.create(cluster(new NetworkSpec("10.50.0.0/23", 24, "10.51.0.0/24")));
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC())) {
            manager.start();
            store.create(node("n1", 1));
            store.create(node("n2", 2));
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(subnetOf(store, "n1")).isEqualTo("10.50.0.0/24");
                assertThat(subnetOf(store, "n2")).isEqualTo("10.50.1.0/24");
            });
            store.create(node("n3", 3));
            store.create(service("web", 1, EndpointMode.VIP));
            // the service range is the cluster's too
            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(endpointsOf(store, "web").virtualIp()).isEqualTo("10.51.0.2"));
            assertThat(subnetOf(store, "n3")).isEmpty();

            Node n1 = store.get(Kind.NODE, "n1").orElseThrow();
            store.delete(Kind.NODE, "n1", n1.metadata().resourceVersion());
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(subnetOf(store, "n3")).isEqualTo("10.50.0.0/24"));
        }
    }
}
