package dev.berth.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.api.ByteSize;
import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeState;
import dev.berth.api.NodeStatus;
import dev.berth.api.ObjectMeta;
import dev.berth.api.ResourceList;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.controllers.scheduler.SchedulerController;
import dev.berth.store.ObjectStore;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The three controllers together against a real etcd: convergence, scaling, drain, unschedulable. */
@ExtendWith(EtcdExtension.class)
class ControllerManagerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static Node node(String id) {
        return Node.of(ObjectMeta.named(id).created("uid-" + id, Instant.now()),
                new NodeSpec(NodeRole.WORKER, NodeAvailability.ACTIVE),
                new NodeStatus(NodeState.READY, "", id, "127.0.0.1",
                        new ResourceList(4, ByteSize.parse("8Gi")), "", Optional.of(Instant.now())));
    }

    private static Service service(String name, ServiceMode mode, int replicas, String memory) {
        return Service.of(ObjectMeta.named(name).created("uid-" + name, Instant.now()),
                Fixtures.spec(mode, replicas, List.of(), memory));
    }

    private static List<Task> liveTasks(ObjectStore store, String serviceName) {
        return store.list(Kind.TASK).items().stream()
                .filter(t -> t.spec().serviceName().equals(serviceName) && t.isLive())
                .toList();
    }

    private static Map<String, Long> perNode(List<Task> tasks) {
        return tasks.stream().collect(Collectors.groupingBy(t -> t.spec().nodeId(), TreeMap::new,
                Collectors.counting()));
    }

    @Test
    void replicatedServiceConvergesScalesDrainsAndReportsUnschedulableTasks(EtcdTestEnv env) {
        ObjectStore store = env.newStore();
        for (int i = 1; i <= 5; i++) {
            store.create(node("node-" + i));
        }
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC())) {
            manager.start();
            store.create(service("web", ServiceMode.REPLICATED, 50, "64Mi"));

            // 50 tasks, all assigned, spread evenly
            await().atMost(TIMEOUT).untilAsserted(() -> {
                List<Task> live = liveTasks(store, "web");
                assertThat(live).hasSize(50);
                assertThat(live).allMatch(t -> t.status().state() == TaskState.ASSIGNED, "assigned");
                assertThat(perNode(live)).containsOnlyKeys("node-1", "node-2", "node-3", "node-4", "node-5")
                        .allSatisfy((n, count) -> assertThat(count).isEqualTo(10L));
            });
            List<Task> live50 = liveTasks(store, "web");
            assertThat(live50.stream().map(t -> t.spec().slot()).distinct()).hasSize(50);
            assertThat(live50).allMatch(t -> t.status().message().equals(SchedulerController.ASSIGNED_MESSAGE));
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                    store.get(Kind.SERVICE, "web").orElseThrow().status().replicas()).isEqualTo(50));

            // scale down to 5
            Service web = store.get(Kind.SERVICE, "web").orElseThrow();
            web = store.update(web.withSpec(web.spec().withReplicas(5))
                    .withMetadata(web.metadata().withGeneration(web.metadata().generation() + 1)));
            long generation = web.metadata().generation();
            await().atMost(TIMEOUT).untilAsserted(() -> {
                List<Task> live = liveTasks(store, "web");
                assertThat(live).hasSize(5);
                assertThat(live.stream().map(t -> t.spec().slot()).sorted().toList()).containsExactly(1, 2, 3, 4, 5);
                Service s = store.get(Kind.SERVICE, "web").orElseThrow();
                assertThat(s.status().replicas()).isEqualTo(5);
                assertThat(s.status().observedGeneration()).isEqualTo(generation);
            });
            // scale-down only sets desiredState: the 45 others stay (assigned, so not reaped)
            assertThat(store.list(Kind.TASK).items().stream()
                    .filter(t -> t.spec().serviceName().equals("web")
                            && t.spec().desiredState() == TaskState.SHUTDOWN)).hasSize(45);

            // drain a node that runs tasks: they move elsewhere
            String drained = liveTasks(store, "web").get(0).spec().nodeId();
            Node node = store.get(Kind.NODE, drained).orElseThrow();
            store.update(node.withSpec(new NodeSpec(node.spec().role(), NodeAvailability.DRAIN)));
            await().atMost(TIMEOUT).untilAsserted(() -> {
                List<Task> live = liveTasks(store, "web");
                assertThat(live).hasSize(5);
                assertThat(live).noneMatch(t -> t.spec().nodeId().equals(drained));
                assertThat(live).allMatch(t -> t.status().state() == TaskState.ASSIGNED, "assigned");
            });

            // a service no node can hold stays pending with Swarm's explanation
            store.create(service("big", ServiceMode.REPLICATED, 2, "64Gi"));
            await().atMost(TIMEOUT).untilAsserted(() -> {
                List<Task> live = liveTasks(store, "big");
                assertThat(live).hasSize(2);
                assertThat(live).allSatisfy(t -> {
                    assertThat(t.status().state()).isEqualTo(TaskState.PENDING);
                    assertThat(t.spec().nodeId()).isEmpty();
                    assertThat(t.status().error()).startsWith("no suitable node (").contains("memory");
                });
            });

            // deleting it shuts its never-assigned tasks down, and the reaper deletes them
            Service big = store.get(Kind.SERVICE, "big").orElseThrow();
            store.delete(Kind.SERVICE, "big", big.metadata().resourceVersion());
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(store.list(Kind.TASK).items())
                    .noneMatch(t -> t.spec().serviceName().equals("big")));
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive()
                && (t.getName().startsWith("berth-services") || t.getName().startsWith("berth-scheduler")
                        || t.getName().startsWith("berth-reaper")));
    }

    @Test
    void globalServiceFollowsNodes(EtcdTestEnv env) {
        ObjectStore store = env.newStore();
        store.create(node("g-1"));
        store.create(node("g-2"));
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC())) {
            manager.start();
            store.create(service("agent", ServiceMode.GLOBAL, 0, "0"));
            await().atMost(TIMEOUT).untilAsserted(() -> {
                List<Task> live = liveTasks(store, "agent");
                assertThat(perNode(live)).containsOnly(Map.entry("g-1", 1L), Map.entry("g-2", 1L));
                assertThat(live).allMatch(t -> t.status().state() == TaskState.ASSIGNED, "assigned");
            });

            store.create(node("g-3"));
            Node g1 = store.get(Kind.NODE, "g-1").orElseThrow();
            store.update(g1.withSpec(new NodeSpec(g1.spec().role(), NodeAvailability.DRAIN)));
            await().atMost(TIMEOUT).untilAsserted(() -> {
                List<Task> live = liveTasks(store, "agent");
                assertThat(perNode(live)).containsOnly(Map.entry("g-2", 1L), Map.entry("g-3", 1L));
                assertThat(live).allMatch(t -> t.status().state() == TaskState.ASSIGNED, "assigned");
                assertThat(store.get(Kind.SERVICE, "agent").orElseThrow().status().replicas()).isEqualTo(2);
            });
        }
    }
}
