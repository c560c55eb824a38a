package dev.berth.controllers.service;

import static dev.berth.controllers.Fixtures.T0;
import static dev.berth.controllers.Fixtures.global;
import static dev.berth.controllers.Fixtures.ids;
import static dev.berth.controllers.Fixtures.node;
import static dev.berth.controllers.Fixtures.readyNode;
import static dev.berth.controllers.Fixtures.replicated;
import static dev.berth.controllers.Fixtures.running;
import static dev.berth.controllers.Fixtures.service;
import static dev.berth.controllers.Fixtures.spec;
import static dev.berth.controllers.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeState;
import dev.berth.api.RestartCondition;
import dev.berth.api.RestartPolicy;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.scheduler.Assignment;
import dev.berth.scheduler.Plan;
import dev.berth.scheduler.Planner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Node loss, removal, drain and label changes, seen by the service reconciler and the planner
 * together: the reconciler's actions are applied to a list of tasks, the planner places the new
 * ones, and the cycle repeats until nothing changes, as the controllers do against etcd.
 */
class RescheduleTest {

    /** The cluster as the two pure functions see it; {@link #converge} plays the controllers. */
    private static final class World {
        final Map<String, Task> tasks = new LinkedHashMap<>();
        final Map<String, Node> nodes = new LinkedHashMap<>();
        final Supplier<String> ids = ids();
        final Planner planner = new Planner();
        Service service;
        Instant now = T0.plusSeconds(60);

        World(Service service, Node... nodes) {
            this.service = service;
            for (Node n : nodes) {
                this.nodes.put(n.id(), n);
            }
        }

        /** One reconcile of the service; its actions applied. */
        List<ServiceAction> reconcile() {
            List<ServiceAction> actions = ServiceReconciler.reconcile(service.name(), Optional.of(service),
                    tasks.values(), nodes.values(), now, ids);
            for (ServiceAction a : actions) {
                if (a instanceof ServiceAction.CreateTask c) {
                    tasks.put(c.task().id(), c.task());
                } else if (a instanceof ServiceAction.ShutdownTask s) {
                    tasks.put(s.updated().id(), s.updated());
                } else if (a instanceof ServiceAction.UpdateServiceStatus u) {
                    service = u.updated();
                }
            }
            return actions;
        }

        /** One scheduler pass; assigned tasks start running at once (their agents are quick). */
        void schedule() {
            List<Task> pending = tasks.values().stream()
                    .filter(t -> t.isLive() && t.status().state().ordinal() < TaskState.ASSIGNED.ordinal()).toList();
            List<Task> placed = tasks.values().stream().filter(t -> t.isLive() && !t.spec().nodeId().isEmpty())
                    .filter(t -> t.status().state().ordinal() >= TaskState.ASSIGNED.ordinal()).toList();
            Plan plan = planner.plan(pending, nodes.values(), placed);
            for (Assignment a : plan.assignments()) {
                tasks.put(a.task().id(), a.task().withSpec(a.task().spec().withNodeId(a.nodeId()))
                        .withStatus(TaskStatus.of(TaskState.RUNNING, "started", now)));
            }
        }

        /** Agents stop what they are told to stop (only on nodes that are up). */
        void agentsObey() {
            for (Task t : List.copyOf(tasks.values())) {
                Node n = nodes.get(t.spec().nodeId());
                if (n != null && n.status().state() == NodeState.READY && !t.isLive()
                        && !t.status().state().isTerminal()) {
                    tasks.put(t.id(), t.withStatus(t.status().movedTo(TaskState.SHUTDOWN, "stopped", "", now)));
                }
            }
        }

        void converge() {
            for (int round = 0; round < 10; round++) {
                List<ServiceAction> actions = reconcile();
                schedule();
                agentsObey();
                if (actions.stream().noneMatch(a -> !(a instanceof ServiceAction.UpdateServiceStatus))) {
                    return;
                }
            }
            throw new AssertionError("no convergence: " + tasks.values());
        }

        void setNode(Node n) {
            nodes.put(n.id(), n);
        }

        List<Task> live() {
            return tasks.values().stream().filter(Task::isLive).toList();
        }

        /** Live tasks per node id. */
        Map<String, Long> liveByNode() {
            return live().stream().collect(Collectors.groupingBy(t -> t.spec().nodeId(), Collectors.counting()));
        }

        /** Tasks meant to run or actually running (status not terminal), per slot or node. */
        Map<String, Long> runningCopies() {
            return tasks.values().stream().filter(t -> !t.status().state().isTerminal())
                    .filter(t -> t.status().state() == TaskState.RUNNING)
                    .collect(Collectors.groupingBy(t -> t.spec().slot() > 0 ? "slot" + t.spec().slot()
                            : "node:" + t.spec().nodeId(), Collectors.counting()));
        }
    }

    private static Node down(String id) {
        return node(id, NodeState.DOWN, NodeAvailability.ACTIVE, Map.of());
    }

    private static Node withLabels(Node n, Map<String, String> labels) {
        return n.withMetadata(n.metadata().withLabels(labels));
    }

    private static Node withAvailability(Node n, NodeAvailability availability) {
        return n.withSpec(new NodeSpec(n.spec().role(), availability));
    }

    @Test
    void aDownNodesTasksAreReplacedOnTheOthersInOneReconcile() {
        World w = new World(replicated("web", 6), readyNode("n1"), readyNode("n2"), readyNode("n3"));
        w.converge();
        assertThat(w.liveByNode()).containsEntry("n1", 2L).containsEntry("n2", 2L).containsEntry("n3", 2L);
        List<String> onN3 = w.live().stream().filter(t -> t.spec().nodeId().equals("n3")).map(Task::id).toList();

        w.setNode(down("n3"));
        List<ServiceAction> actions = w.reconcile();

        List<Task> shutDown = actions.stream().filter(a -> a instanceof ServiceAction.ShutdownTask)
                .map(a -> ((ServiceAction.ShutdownTask) a).updated()).toList();
        List<Task> created = actions.stream().filter(a -> a instanceof ServiceAction.CreateTask)
                .map(a -> ((ServiceAction.CreateTask) a).task()).toList();
        assertThat(shutDown).extracting(Task::id).containsExactlyInAnyOrderElementsOf(onN3);
        assertThat(shutDown).allSatisfy(t -> {
            assertThat(t.spec().desiredState()).isEqualTo(TaskState.SHUTDOWN);
            // the status is the agent's: it stays what the node last reported
            assertThat(t.status().state()).isEqualTo(TaskState.RUNNING);
        });
        assertThat(((ServiceAction.ShutdownTask) actions.get(0)).reason()).isEqualTo("node down");
        // the same slots, created now: no restart delay for a lost node
        assertThat(created).extracting(t -> t.spec().slot())
                .containsExactlyInAnyOrderElementsOf(shutDown.stream().map(t -> t.spec().slot()).toList());
        assertThat(created).allSatisfy(t -> assertThat(t.metadata().creationTimestamp()).contains(w.now));

        w.schedule();
        assertThat(w.liveByNode()).containsOnly(Map.entry("n1", 3L), Map.entry("n2", 3L));
    }

    @Test
    void aNodeThatComesBackGetsNoDuplicates() {
        World w = new World(replicated("web", 6), readyNode("n1"), readyNode("n2"), readyNode("n3"));
        w.converge();
        w.setNode(down("n3"));
        w.converge();
        int tasksBefore = w.tasks.size();

        w.setNode(readyNode("n3"));
        w.converge();

        assertThat(w.tasks).hasSize(tasksBefore);
        assertThat(w.live()).hasSize(6);
        assertThat(w.runningCopies()).hasSize(6).allSatisfy((slot, copies) -> assertThat(copies).isEqualTo(1L));
        // the old tasks on n3 were stopped by its agent, and stay history
        assertThat(w.tasks.values()).filteredOn(t -> t.spec().nodeId().equals("n3"))
                .allSatisfy(t -> assertThat(t.status().state()).isEqualTo(TaskState.SHUTDOWN));
    }

    @Test
    void aLostNodeIsReplacedAtOnceEvenWithALongRestartDelay() {
        ServiceSpec slow = new ServiceSpec("img", ServiceMode.REPLICATED, 2, null, null, null, null, null, null,
                new RestartPolicy(RestartCondition.ANY, Duration.ofMinutes(5), null, null), null, null, null, null,
                null);
        World w = new World(service("web", slow), readyNode("n1"), readyNode("n2"));
        w.converge();
        w.setNode(withAvailability(readyNode("n2"), NodeAvailability.DRAIN));
        w.converge();
        assertThat(w.liveByNode()).containsOnly(Map.entry("n1", 2L));
    }

    @Test
    void aDeletedNodesTasksAreReplacedAndOrphaned() {
        World w = new World(replicated("web", 4), readyNode("n1"), readyNode("n2"));
        w.converge();
        w.nodes.remove("n2");
        List<ServiceAction> actions = w.reconcile();

        assertThat(actions).filteredOn(a -> a instanceof ServiceAction.CreateTask).hasSize(2);
        assertThat(actions).filteredOn(a -> a instanceof ServiceAction.ShutdownTask)
                .extracting(a -> ((ServiceAction.ShutdownTask) a).updated())
                .hasSize(2)
                .allSatisfy(t -> {
                    assertThat(t.spec().desiredState()).isEqualTo(TaskState.SHUTDOWN);
                    // no agent will ever say it stopped
                    assertThat(t.status().state()).isEqualTo(TaskState.ORPHANED);
                    assertThat(t.status().message()).isEqualTo("node removed");
                });
        w.converge();
        assertThat(w.liveByNode()).containsOnly(Map.entry("n1", 4L));
    }

    @Test
    void aTaskShutDownBeforeItsNodeWasDeletedIsOrphanedToo() {
        Service svc = replicated("web", 1);
        Task old = task(svc, "old", 1, "gone", TaskState.SHUTDOWN, TaskState.RUNNING, 0);
        Task current = running(svc, "cur", 1, "n1");
        List<ServiceAction> actions = ServiceReconciler.reconcile("web", Optional.of(svc), List.of(old, current),
                List.of(readyNode("n1")), T0, ids());
        assertThat(actions).filteredOn(a -> a instanceof ServiceAction.ShutdownTask)
                .extracting(a -> ((ServiceAction.ShutdownTask) a).updated().status().state())
                .containsExactly(TaskState.ORPHANED);
        // and the same for a deleted service
        List<ServiceAction> deleted = ServiceReconciler.reconcile("web", Optional.empty(), List.of(old),
                List.of(readyNode("n1")), T0, ids());
        assertThat(deleted).hasSize(1);
    }

    @Test
    void aReplicatedTaskWhoseNodeStopsMatchingItsConstraintsMoves() {
        Service svc = service("web", spec(ServiceMode.REPLICATED, 2, List.of("node.labels.zone == a"), "0"));
        Node a1 = withLabels(readyNode("a1"), Map.of("zone", "a"));
        Node a2 = withLabels(readyNode("a2"), Map.of("zone", "a"));
        World w = new World(svc, a1, a2);
        w.converge();
        assertThat(w.liveByNode()).containsOnly(Map.entry("a1", 1L), Map.entry("a2", 1L));

        w.setNode(withLabels(a2, Map.of("zone", "b")));
        List<ServiceAction> actions = w.reconcile();
        assertThat(actions).filteredOn(a -> a instanceof ServiceAction.ShutdownTask)
                .extracting(a -> ((ServiceAction.ShutdownTask) a).reason())
                .containsExactly("node no longer satisfies the service's constraints");
        assertThat(actions).filteredOn(a -> a instanceof ServiceAction.CreateTask).hasSize(1);
        w.schedule();
        w.converge();
        assertThat(w.liveByNode()).containsOnly(Map.entry("a1", 2L));
    }

    @Test
    void aReplicatedTaskKeepsItsNodeWhileTheConstraintsHold() {
        Service svc = service("web", spec(ServiceMode.REPLICATED, 1, List.of("node.role != manager"), "0"));
        Node n1 = readyNode("n1");
        World w = new World(svc, n1);
        w.converge();
        // another label changes: nothing moves
        w.setNode(withLabels(n1, Map.of("disk", "ssd")));
        assertThat(w.reconcile()).noneMatch(a -> !(a instanceof ServiceAction.UpdateServiceStatus));
        // promoted to manager: the task leaves, and cannot be placed anywhere
        w.setNode(withLabels(n1, Map.of("disk", "ssd")).withSpec(new NodeSpec(NodeRole.MANAGER, NodeAvailability.ACTIVE)));
        w.converge();
        assertThat(w.live()).singleElement().satisfies(t -> assertThat(t.spec().nodeId()).isEmpty());
    }

    @Test
    void nothingIsPlacedOnANodeWhoseAgentHasNotReportedYet() {
        // registered (or back) but no session yet: unknown, or still down
        World w = new World(replicated("web", 4), readyNode("n1"),
                node("new", NodeState.UNKNOWN, NodeAvailability.ACTIVE, Map.of()), down("back"));
        Service agentLike = global("agent");
        w.converge();
        assertThat(w.liveByNode()).containsOnly(Map.entry("n1", 4L));
        List<ServiceAction> globalActions = ServiceReconciler.reconcile("agent", Optional.of(agentLike), List.of(),
                w.nodes.values(), T0, ids());
        assertThat(globalActions).filteredOn(a -> a instanceof ServiceAction.CreateTask)
                .extracting(a -> ((ServiceAction.CreateTask) a).task().spec().nodeId()).containsExactly("n1");
        // once its session opens (the liveness controller writes it ready) it takes new tasks
        w.setNode(readyNode("back"));
        w.service = w.service.withSpec(w.service.spec().withReplicas(6));
        w.converge();
        assertThat(w.liveByNode()).containsOnly(Map.entry("n1", 4L), Map.entry("back", 2L));
    }

    @Test
    void aGlobalServiceFollowsItsNodes() {
        Service svc = global("agent", "node.labels.role != db");
        World w = new World(svc, readyNode("n1"), readyNode("n2"));
        w.converge();
        assertThat(w.liveByNode()).containsOnly(Map.entry("n1", 1L), Map.entry("n2", 1L));

        // a node joins
        w.setNode(readyNode("n3"));
        w.converge();
        assertThat(w.liveByNode()).containsOnlyKeys("n1", "n2", "n3");
        // paused: keeps its task
        w.setNode(withAvailability(readyNode("n3"), NodeAvailability.PAUSE));
        w.converge();
        assertThat(w.liveByNode()).containsOnlyKeys("n1", "n2", "n3");
        // drained: loses it
        w.setNode(withAvailability(readyNode("n3"), NodeAvailability.DRAIN));
        w.converge();
        assertThat(w.liveByNode()).containsOnlyKeys("n1", "n2");
        // active again: gets a new one
        w.setNode(readyNode("n3"));
        w.converge();
        assertThat(w.liveByNode()).containsOnlyKeys("n1", "n2", "n3");
        // labels no longer match: shut down; match again: a new task
        w.setNode(withLabels(readyNode("n2"), Map.of("role", "db")));
        w.converge();
        assertThat(w.liveByNode()).containsOnlyKeys("n1", "n3");
        w.setNode(readyNode("n2"));
        w.converge();
        assertThat(w.liveByNode()).containsOnlyKeys("n1", "n2", "n3");
        // down, then deleted
        w.setNode(down("n1"));
        w.converge();
        assertThat(w.liveByNode()).containsOnlyKeys("n2", "n3");
        w.nodes.remove("n1");
        w.converge();
        assertThat(w.liveByNode()).containsOnlyKeys("n2", "n3");
        assertThat(w.tasks.values()).filteredOn(t -> t.spec().nodeId().equals("n1"))
                .allSatisfy(t -> assertThat(t.status().state()).isEqualTo(TaskState.ORPHANED));
        assertThat(w.runningCopies()).allSatisfy((node, copies) -> assertThat(copies).isEqualTo(1L));
        assertThat(w.service.status().replicas()).isEqualTo(2);
    }

    @Test
    void spreadAndMaxPerNodeHoldAfterANodeIsLost() {
        ServiceSpec s = new ServiceSpec("img", ServiceMode.REPLICATED, 4, null, null, null, null, null,
                new dev.berth.api.Placement(List.of(), 2, List.of(new dev.berth.api.PlacementPreference(
                        "node.labels.zone"))), null, null, null, null, null, null);
        Node a1 = withLabels(readyNode("a1"), Map.of("zone", "a"));
        Node a2 = withLabels(readyNode("a2"), Map.of("zone", "a"));
        Node b1 = withLabels(readyNode("b1"), Map.of("zone", "b"));
        World w = new World(service("web", s), a1, a2, b1);
        w.converge();
        // two per zone: b1 holds zone b's two, a1 and a2 one each
        assertThat(w.liveByNode()).containsOnly(Map.entry("a1", 1L), Map.entry("a2", 1L), Map.entry("b1", 2L));

        w.setNode(down("b1"));
        w.converge();
        // at most 2 per node: zone a takes all four
        assertThat(w.liveByNode()).containsOnly(Map.entry("a1", 2L), Map.entry("a2", 2L));
        w.setNode(down("a2"));
        w.converge();
        assertThat(w.liveByNode()).containsOnly(Map.entry("a1", 2L), Map.entry("", 2L));
        assertThat(w.live()).filteredOn(t -> t.spec().nodeId().isEmpty()).hasSize(2);
    }
}
