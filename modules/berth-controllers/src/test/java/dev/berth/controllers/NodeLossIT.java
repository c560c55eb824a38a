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
import dev.berth.store.ObjectStore;
import dev.berth.store.StoreException;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failure handling of the controllers against a real etcd, with fake agents: a node goes down,
 * comes back, is deleted; a node's labels change under a global and a replicated service.
 */
@ExtendWith(EtcdExtension.class)
class NodeLossIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * Agents that do what real ones do to task status, for the nodes in {@link #up}: an assigned
     * task starts running, a task desired SHUTDOWN stops. A node not up does nothing (its agent
     * is gone).
     */
    private static final class FakeAgents implements AutoCloseable {
        final Set<String> up = ConcurrentHashMap.newKeySet();
        private final ObjectStore store;
        private final Thread thread;
        private volatile boolean closed;

        FakeAgents(ObjectStore store, String... nodes) {
            this.store = store;
            up.addAll(List.of(nodes));
            thread = new Thread(this::run, "fake-agents");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            while (!closed) {
                for (Task t : store.list(Kind.TASK).items()) {
                    if (!up.contains(t.spec().nodeId()) || t.status().state().isTerminal()) {
                        continue;
                    }
                    TaskState next = t.spec().desiredState().ordinal() > TaskState.RUNNING.ordinal()
                            ? TaskState.SHUTDOWN
                            : t.status().state() == TaskState.ASSIGNED ? TaskState.RUNNING : null;
                    if (next != null) {
                        try {
                            store.update(t.withStatus(t.status().movedTo(next, next.display(), "", Instant.now())));
                        } catch (StoreException.Conflict | StoreException.NotFound e) {
                            // a controller wrote it meanwhile: look again next round
                        }
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            thread.interrupt();
            thread.join(5000);
        }
    }

    private static Node node(String id, Map<String, String> labels) {
        return Node.of(ObjectMeta.named(id).withLabels(labels).created("uid-" + id, Instant.now()),
                new NodeSpec(NodeRole.WORKER, NodeAvailability.ACTIVE),
                new NodeStatus(NodeState.READY, "connected", id, "127.0.0.1",
                        new ResourceList(4, ByteSize.parse("8Gi")), "", Optional.of(Instant.now())));
    }

    private static void setState(ObjectStore store, String id, NodeState state) {
        Node n = store.get(Kind.NODE, id).orElseThrow();
        store.update(n.withStatus(n.status().withState(state, state == NodeState.DOWN ? "heartbeat lost" : "connected")));
    }

    private static void setLabels(ObjectStore store, String id, Map<String, String> labels) {
        Node n = store.get(Kind.NODE, id).orElseThrow();
        store.update(n.withMetadata(n.metadata().withLabels(labels)));
    }

    private static Service service(String name, ServiceMode mode, int replicas, String... constraints) {
        return Service.of(ObjectMeta.named(name).created("uid-" + name, Instant.now()),
                Fixtures.spec(mode, replicas, List.of(constraints), "0"));
    }

    private static List<Task> tasksOf(ObjectStore store, String service) {
        return store.list(Kind.TASK).items().stream().filter(t -> t.spec().serviceName().equals(service)).toList();
    }

    private static Map<String, Long> runningPerNode(List<Task> tasks) {
        return tasks.stream().filter(t -> t.isLive() && t.status().state() == TaskState.RUNNING)
                .collect(Collectors.groupingBy(t -> t.spec().nodeId(), TreeMap::new, Collectors.counting()));
    }

    @Test
    void aLostNodesTasksAreReplacedAndNotDuplicatedWhenItReturns(EtcdTestEnv env) throws Exception {
        ObjectStore store = env.newStore();
        for (String id : List.of("n1", "n2", "n3")) {
            store.create(node(id, Map.of()));
        }
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC());
                FakeAgents agents = new FakeAgents(store, "n1", "n2", "n3")) {
            manager.start();
            store.create(service("web", ServiceMode.REPLICATED, 6));
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(runningPerNode(tasksOf(store, "web")))
                    .containsOnly(Map.entry("n1", 2L), Map.entry("n2", 2L), Map.entry("n3", 2L)));
            Set<String> onN3 = tasksOf(store, "web").stream().filter(t -> t.spec().nodeId().equals("n3"))
                    .map(Task::id).collect(Collectors.toSet());

            // n3 is lost: its agent is silent, the liveness controller marks it down
            agents.up.remove("n3");
            setState(store, "n3", NodeState.DOWN);
            await().atMost(TIMEOUT).untilAsserted(() -> {
                List<Task> tasks = tasksOf(store, "web");
                assertThat(runningPerNode(tasks)).containsOnly(Map.entry("n1", 3L), Map.entry("n2", 3L));
                assertThat(tasks).filteredOn(t -> onN3.contains(t.id())).hasSize(2).allSatisfy(t -> {
                    assertThat(t.spec().desiredState()).isEqualTo(TaskState.SHUTDOWN);
                    assertThat(t.status().state()).isEqualTo(TaskState.RUNNING);
                });
            });
            List<Task> tasks = tasksOf(store, "web");
            assertThat(tasks).hasSize(8);
            List<Task> replacements = tasks.stream().filter(t -> t.isLive())
                    .filter(t -> !onN3.contains(t.id())).sorted((a, b) -> b.metadata().creationTimestamp()
                            .orElseThrow().compareTo(a.metadata().creationTimestamp().orElseThrow()))
                    .limit(2).toList();
            // created by one reconcile: one timestamp
            assertThat(replacements.get(0).metadata().creationTimestamp())
                    .isEqualTo(replacements.get(1).metadata().creationTimestamp());
            assertThat(replacements).extracting(t -> t.spec().slot()).containsExactlyInAnyOrderElementsOf(
                    tasks.stream().filter(t -> onN3.contains(t.id())).map(t -> t.spec().slot()).toList());

            // n3 comes back: its agent stops the old tasks, and nothing new is created
            setState(store, "n3", NodeState.READY);
            agents.up.add("n3");
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(tasksOf(store, "web"))
                    .filteredOn(t -> onN3.contains(t.id()))
                    .allSatisfy(t -> assertThat(t.status().state()).isEqualTo(TaskState.SHUTDOWN)));
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                List<Task> now = tasksOf(store, "web");
                assertThat(now).hasSize(8);
                assertThat(runningPerNode(now)).containsOnly(Map.entry("n1", 3L), Map.entry("n2", 3L));
            });

            // n2 is deleted: its tasks are orphaned and replaced, on n1 and n3
            Node n2 = store.get(Kind.NODE, "n2").orElseThrow();
            agents.up.remove("n2");
            store.delete(Kind.NODE, "n2", n2.metadata().resourceVersion());
            await().atMost(TIMEOUT).untilAsserted(() -> {
                List<Task> now = tasksOf(store, "web");
                assertThat(now).filteredOn(t -> t.spec().nodeId().equals("n2")).hasSize(3)
                        .allSatisfy(t -> assertThat(t.status().state()).isEqualTo(TaskState.ORPHANED));
                Map<String, Long> running = runningPerNode(now);
                assertThat(running).containsOnlyKeys("n1", "n3");
                assertThat(running.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(6);
            });
        }
    }

    @Test
    void labelChangesMoveGlobalAndReplicatedTasks(EtcdTestEnv env) throws Exception {
        ObjectStore store = env.newStore();
        store.create(node("a1", Map.of("zone", "a")));
        store.create(node("a2", Map.of("zone", "a")));
        store.create(node("b1", Map.of("zone", "b")));
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC());
                FakeAgents agents = new FakeAgents(store, "a1", "a2", "b1", "a3")) {
            manager.start();
            store.create(service("mon", ServiceMode.GLOBAL, 0, "node.labels.zone == a"));
            store.create(service("web", ServiceMode.REPLICATED, 2, "node.labels.zone == a"));
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(runningPerNode(tasksOf(store, "mon"))).containsOnly(Map.entry("a1", 1L),
                        Map.entry("a2", 1L));
                assertThat(runningPerNode(tasksOf(store, "web"))).containsOnly(Map.entry("a1", 1L),
                        Map.entry("a2", 1L));
            });

            // a2 leaves zone a, b1 joins it, a new node a3 joins the cluster
            setLabels(store, "a2", Map.of("zone", "b"));
            setLabels(store, "b1", Map.of("zone", "a"));
            store.create(node("a3", Map.of("zone", "a")));
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(runningPerNode(tasksOf(store, "mon"))).containsOnly(Map.entry("a1", 1L),
                        Map.entry("b1", 1L), Map.entry("a3", 1L));
                Map<String, Long> web = runningPerNode(tasksOf(store, "web"));
                assertThat(web).doesNotContainKey("a2");
                assertThat(web.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2);
                assertThat(tasksOf(store, "web")).filteredOn(t -> t.spec().nodeId().equals("a2"))
                        .allSatisfy(t -> assertThat(t.status().state()).isEqualTo(TaskState.SHUTDOWN));
            });
        }
    }
}
