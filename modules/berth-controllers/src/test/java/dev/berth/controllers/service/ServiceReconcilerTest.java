package dev.berth.controllers.service;

import static dev.berth.controllers.Fixtures.T0;
import static dev.berth.controllers.Fixtures.global;
import static dev.berth.controllers.Fixtures.ids;
import static dev.berth.controllers.Fixtures.node;
import static dev.berth.controllers.Fixtures.readyNode;
import static dev.berth.controllers.Fixtures.replicated;
import static dev.berth.controllers.Fixtures.running;
import static dev.berth.controllers.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Ids;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeState;
import dev.berth.api.Service;
import dev.berth.api.ServiceStatus;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceReconcilerTest {

    private static final List<Node> NODES = List.of(readyNode("n1"), readyNode("n2"), readyNode("n3"));

    /** What a list of actions does, in a form a table can state. */
    record Summary(List<String> created, List<String> shutDown, Optional<ServiceStatus> status) {
    }

    static Summary summarize(List<ServiceAction> actions) {
        List<String> created = new ArrayList<>();
        List<String> shutDown = new ArrayList<>();
        Optional<ServiceStatus> status = Optional.empty();
        for (ServiceAction a : actions) {
            if (a instanceof ServiceAction.CreateTask c) {
                Task t = c.task();
                created.add(t.spec().slot() > 0 ? "slot" + t.spec().slot() : "node:" + t.spec().nodeId());
            } else if (a instanceof ServiceAction.ShutdownTask s) {
                shutDown.add(s.updated().id());
            } else if (a instanceof ServiceAction.UpdateServiceStatus u) {
                status = Optional.of(u.updated().status());
            }
        }
        created.sort(null);
        shutDown.sort(null);
        return new Summary(created, shutDown, status);
    }

    static Summary run(Service svc, List<Task> tasks, List<Node> nodes) {
        return summarize(ServiceReconciler.reconcile(svc.name(), Optional.of(svc), tasks, nodes, T0, ids()));
    }

    static Stream<Arguments> replicatedCases() {
        Service s3 = replicated("web", 3);
        Service s1 = replicated("web", 1);
        return Stream.of(
                Arguments.of("scale up from nothing", s3, List.of(), List.of("slot1", "slot2", "slot3"), List.of()),
                Arguments.of("fills only the missing slot", s3,
                        List.of(running(s3, "a", 1, "n1"), running(s3, "b", 3, "n2")), List.of("slot2"), List.of()),
                Arguments.of("scale down shuts down slots above replicas", s1,
                        List.of(running(s1, "a", 1, "n1"), running(s1, "b", 2, "n2"), running(s1, "c", 3, "n3")),
                        List.of(), List.of("b", "c")),
                Arguments.of("duplicate slot keeps the most advanced", s1,
                        List.of(task(s1, "assigned", 1, "n1", TaskState.RUNNING, TaskState.ASSIGNED, 0),
                                running(s1, "run", 1, "n2")),
                        List.of(), List.of("assigned")),
                Arguments.of("a task that stopped on its own is shut down; its replacement waits for the delay", s1,
                        List.of(task(s1, "failed", 1, "n1", TaskState.RUNNING, TaskState.FAILED, 1),
                                task(s1, "old", 1, "n1", TaskState.SHUTDOWN, TaskState.ASSIGNED, 0)),
                        List.of(), List.of("failed")),
                Arguments.of("tasks shut down by the controller do not fill a slot", s1,
                        List.of(task(s1, "old", 1, "n1", TaskState.SHUTDOWN, TaskState.ASSIGNED, 0)),
                        List.of("slot1"), List.of()),
                Arguments.of("task on a drained node is replaced in its slot", s3,
                        List.of(running(s3, "a", 1, "drained"), running(s3, "b", 2, "n2"), running(s3, "c", 3, "n3")),
                        List.of("slot1"), List.of("a")),
                Arguments.of("task on a down node is replaced in its slot", s3,
                        List.of(running(s3, "a", 1, "n1"), running(s3, "b", 2, "down"), running(s3, "c", 3, "n3")),
                        List.of("slot2"), List.of("b")),
                Arguments.of("task on a deleted node is replaced", s1,
                        List.of(running(s1, "a", 1, "gone")), List.of("slot1"), List.of("a")),
                Arguments.of("task on a paused node stays", s1,
                        List.of(running(s1, "a", 1, "paused")), List.of(), List.of()),
                Arguments.of("pending task without node stays", s1,
                        List.of(task(s1, "p", 1, "", TaskState.RUNNING, TaskState.PENDING, 0)), List.of(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replicatedCases")
    void replicatedTable(String name, Service svc, List<Task> tasks, List<String> created, List<String> shutDown) {
        List<Node> nodes = new ArrayList<>(NODES);
        nodes.add(node("drained", NodeState.READY, NodeAvailability.DRAIN, Map.of()));
        nodes.add(node("down", NodeState.DOWN, NodeAvailability.ACTIVE, Map.of()));
        nodes.add(node("paused", NodeState.READY, NodeAvailability.PAUSE, Map.of()));
        Summary summary = run(svc, tasks, nodes);
        assertThat(summary.created()).as("created").isEqualTo(created);
        assertThat(summary.shutDown()).as("shut down").isEqualTo(shutDown);
    }

    @Test
    void newReplicatedTaskIsWellFormed() {
        Service svc = replicated("web", 1);
        List<ServiceAction> actions = ServiceReconciler.reconcile("web", Optional.of(svc), List.of(), NODES, T0,
                Ids::random);
        Task t = ((ServiceAction.CreateTask) actions.get(0)).task();
        assertThat(t.id()).matches("[a-z0-9]{25}");
        assertThat(t.metadata().name()).isEqualTo(t.id());
        assertThat(t.metadata().labels()).containsEntry(Task.SERVICE_LABEL, "web");
        assertThat(t.spec().serviceName()).isEqualTo("web");
        assertThat(t.spec().serviceUid()).isEqualTo("uid-web");
        assertThat(t.spec().slot()).isEqualTo(1);
        assertThat(t.spec().nodeId()).isEmpty();
        assertThat(t.spec().desiredState()).isEqualTo(TaskState.RUNNING);
        assertThat(t.spec().template()).isEqualTo(svc.spec().taskTemplate());
        assertThat(t.status().state()).isEqualTo(TaskState.NEW);
        assertThat(t.status().message()).isEqualTo("created");
        assertThat(t.metadata().creationTimestamp()).contains(T0);
    }

    @Test
    void shutdownOfUnassignedTaskAlsoEndsItsStatusButAssignedOnlyItsDesiredState() {
        Service svc = replicated("web", 0);
        Task pending = task(svc, "p", 1, "", TaskState.RUNNING, TaskState.PENDING, 0);
        Task assigned = task(svc, "a", 2, "n1", TaskState.RUNNING, TaskState.ASSIGNED, 0);
        List<ServiceAction> actions = ServiceReconciler.reconcile("web", Optional.of(svc),
                List.of(pending, assigned), NODES, T0, ids());
        Map<String, Task> updated = new java.util.HashMap<>();
        for (ServiceAction a : actions) {
            if (a instanceof ServiceAction.ShutdownTask s) {
                updated.put(s.updated().id(), s.updated());
            }
        }
        assertThat(updated.get("p").spec().desiredState()).isEqualTo(TaskState.SHUTDOWN);
        assertThat(updated.get("p").status().state()).isEqualTo(TaskState.SHUTDOWN);
        assertThat(updated.get("a").spec().desiredState()).isEqualTo(TaskState.SHUTDOWN);
        assertThat(updated.get("a").status().state()).isEqualTo(TaskState.ASSIGNED);
        assertThat(updated.get("a").metadata().resourceVersion()).as("CAS on the observed version")
                .isEqualTo(assigned.metadata().resourceVersion());
    }

    static Stream<Arguments> globalCases() {
        Service any = global("agent");
        Service onlyA = global("agent", "node.labels.zone == a");
        Node a1 = node("a1", NodeState.READY, NodeAvailability.ACTIVE, Map.of("zone", "a"));
        Node b1 = node("b1", NodeState.READY, NodeAvailability.ACTIVE, Map.of("zone", "b"));
        return Stream.of(
                Arguments.of("one task per ready active node", any, List.of(), NODES,
                        List.of("node:n1", "node:n2", "node:n3"), List.of(), 3),
                Arguments.of("new node gets a task", any, List.of(running(any, "t1", 0, "n1"),
                        running(any, "t2", 0, "n2")), NODES, List.of("node:n3"), List.of(), 3),
                Arguments.of("paused node keeps its task but a paused node gets none", any,
                        List.of(running(any, "t1", 0, "p1")),
                        List.of(node("p1", NodeState.READY, NodeAvailability.PAUSE, Map.of()),
                                node("p2", NodeState.READY, NodeAvailability.PAUSE, Map.of())),
                        List.of(), List.of(), 0),
                Arguments.of("drained node loses its task", any, List.of(running(any, "t1", 0, "d1")),
                        List.of(node("d1", NodeState.READY, NodeAvailability.DRAIN, Map.of())),
                        List.of(), List.of("t1"), 0),
                Arguments.of("down node loses its task", any, List.of(running(any, "t1", 0, "x1")),
                        List.of(node("x1", NodeState.DOWN, NodeAvailability.ACTIVE, Map.of())),
                        List.of(), List.of("t1"), 0),
                Arguments.of("deleted node's task is shut down", any,
                        List.of(running(any, "t1", 0, "gone"), running(any, "t2", 0, "n1")), List.of(readyNode("n1")),
                        List.of(), List.of("t1"), 1),
                Arguments.of("not-ready node gets no task", any, List.of(),
                        List.of(node("u1", NodeState.UNKNOWN, NodeAvailability.ACTIVE, Map.of())), List.of(),
                        List.of(), 0),
                Arguments.of("constraints pick nodes", onlyA, List.of(), List.of(a1, b1), List.of("node:a1"),
                        List.of(), 1),
                Arguments.of("constraint no longer matching shuts down", onlyA,
                        List.of(running(onlyA, "t1", 0, "a1"), running(onlyA, "t2", 0, "b1")), List.of(a1, b1),
                        List.of(), List.of("t2"), 1),
                Arguments.of("two tasks on one node keep one", any,
                        List.of(task(any, "young", 0, "n1", TaskState.RUNNING, TaskState.NEW, 1),
                                task(any, "old", 0, "n1", TaskState.RUNNING, TaskState.NEW, 0)),
                        List.of(readyNode("n1")), List.of(), List.of("young"), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("globalCases")
    void globalTable(String name, Service svc, List<Task> tasks, List<Node> nodes, List<String> created,
            List<String> shutDown, int desired) {
        Summary summary = run(svc, tasks, nodes);
        assertThat(summary.created()).as("created").isEqualTo(created);
        assertThat(summary.shutDown()).as("shut down").isEqualTo(shutDown);
        assertThat(summary.status()).map(ServiceStatus::replicas).contains(desired);
    }

    @Test
    void globalTasksAreCreatedPinnedToTheirNode() {
        List<ServiceAction> actions = ServiceReconciler.reconcile("agent", Optional.of(global("agent")),
                List.of(), List.of(readyNode("n1")), T0, ids());
        Task t = ((ServiceAction.CreateTask) actions.get(0)).task();
        assertThat(t.spec().nodeId()).isEqualTo("n1");
        assertThat(t.spec().slot()).isZero();
        assertThat(t.status().state()).isEqualTo(TaskState.NEW);
    }

    @Test
    void deletedServiceShutsDownAllItsLiveTasksAndWritesNoStatus() {
        Service svc = replicated("web", 2);
        List<Task> tasks = List.of(running(svc, "a", 1, "n1"), running(svc, "b", 2, "n2"),
                task(svc, "done", 1, "n1", TaskState.SHUTDOWN, TaskState.SHUTDOWN, 0));
        List<ServiceAction> actions = ServiceReconciler.reconcile("web", Optional.empty(), tasks, NODES, T0, ids());
        Summary summary = summarize(actions);
        assertThat(summary.shutDown()).containsExactly("a", "b");
        assertThat(summary.created()).isEmpty();
        assertThat(summary.status()).isEmpty();
    }

    @Test
    void tasksOfAnEarlierServiceWithTheSameNameAreShutDownAndReplaced() {
        Service before = replicated("web", 1);
        Service now = Fixtures2.withUid(replicated("web", 1), "uid-new");
        Summary summary = run(now, List.of(running(before, "old", 1, "n1")), NODES);
        assertThat(summary.shutDown()).containsExactly("old");
        assertThat(summary.created()).containsExactly("slot1");
    }

    @Test
    void statusCountsRunningTasksThatShouldRunAndTheGeneration() {
        Service svc = Fixtures2.withGeneration(replicated("web", 3), 7);
        List<Task> tasks = List.of(running(svc, "a", 1, "n1"),
                task(svc, "b", 2, "n2", TaskState.RUNNING, TaskState.STARTING, 0),
                running(svc, "c", 3, "n3"),
                task(svc, "d", 3, "n3", TaskState.SHUTDOWN, TaskState.RUNNING, 0));
        Summary summary = run(svc, tasks, NODES);
        assertThat(summary.status()).contains(ServiceStatus.EMPTY.withCounts(3, 2, 2, 7));
    }

    @Test
    void aRunningTaskWithAHealthCheckCountsOnceHealthy() {
        Service svc = Fixtures2.withGeneration(replicated("web", 3), 7);
        List<Task> tasks = new java.util.ArrayList<>();
        String[] healths = {"starting", "healthy", "unhealthy"};
        for (int i = 0; i < healths.length; i++) {
            Task t = running(svc, "t" + i, i + 1, "n" + (i + 1));
            dev.berth.api.TaskStatus s = t.status();
            tasks.add(t.withStatus(new dev.berth.api.TaskStatus(s.state(), s.message(), s.error(), s.timestamp(),
                    s.containerId(), s.address(), healths[i])));
        }
        Summary summary = run(svc, tasks, NODES);
        assertThat(summary.status()).contains(ServiceStatus.EMPTY.withCounts(3, 1, 1, 7));
    }

    @Test
    void statusIsNotWrittenWhenUnchanged() {
        Service svc = replicated("web", 1);
        svc = svc.withStatus(ServiceStatus.EMPTY.withCounts(1, 1, 1, svc.metadata().generation()));
        List<ServiceAction> actions = ServiceReconciler.reconcile("web", Optional.of(svc),
                List.of(running(svc, "a", 1, "n1")), NODES, T0, ids());
        assertThat(actions).isEmpty();
    }

    @Test
    void convergedStateIsAFixedPoint() {
        Service svc = replicated("web", 3);
        List<Task> tasks = new ArrayList<>();
        for (ServiceAction a : ServiceReconciler.reconcile("web", Optional.of(svc), tasks, NODES, T0, ids())) {
            if (a instanceof ServiceAction.CreateTask c) {
                tasks.add(c.task());
            } else if (a instanceof ServiceAction.UpdateServiceStatus u) {
                svc = u.updated();
            }
        }
        assertThat(tasks).hasSize(3);
        assertThat(ServiceReconciler.reconcile("web", Optional.of(svc), tasks, NODES, T0, ids())).isEmpty();
    }
}
