package dev.berth.scheduler;

import static dev.berth.scheduler.Fixtures.constraints;
import static dev.berth.scheduler.Fixtures.hostPort;
import static dev.berth.scheduler.Fixtures.maxPerNode;
import static dev.berth.scheduler.Fixtures.node;
import static dev.berth.scheduler.Fixtures.pinned;
import static dev.berth.scheduler.Fixtures.placed;
import static dev.berth.scheduler.Fixtures.ports;
import static dev.berth.scheduler.Fixtures.reserve;
import static dev.berth.scheduler.Fixtures.spread;
import static dev.berth.scheduler.Fixtures.task;
import static dev.berth.scheduler.Fixtures.tasks;
import static dev.berth.scheduler.Fixtures.template;
import static dev.berth.scheduler.Fixtures.withAvailability;
import static dev.berth.scheduler.Fixtures.withLabels;
import static dev.berth.scheduler.Fixtures.withResources;
import static dev.berth.scheduler.Fixtures.withState;
import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeState;
import dev.berth.api.Task;
import dev.berth.api.TaskTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whole plans: spreading, limits, and the sentences of rejections. */
class PlannerTest {

    private static final TaskTemplate PLAIN = template();
    private final Planner planner = new Planner();

    private static Map<String, Long> perNode(Plan plan) {
        return plan.assignments().stream().collect(groupingBy(Assignment::nodeId, counting()));
    }

    @Test
    void spreadsSixTasksTwoPerNode() {
        Plan plan = planner.plan(tasks("web", 6, PLAIN), List.of(node("a"), node("b"), node("c")), List.of());

        assertThat(plan.rejections()).isEmpty();
        assertThat(perNode(plan)).containsOnly(entry("a", 2L), entry("b", 2L), entry("c", 2L));
    }

    @Test
    void spreadsFiftyTasksTenPerNode() {
        List<Node> nodes = List.of(node("n1"), node("n2"), node("n3"), node("n4"), node("n5"));
        Plan plan = planner.plan(tasks("web", 50, PLAIN), nodes, List.of());

        assertThat(plan.assignments()).hasSize(50);
        assertThat(perNode(plan)).hasSize(5).allSatisfy((node, count) -> assertThat(count).isEqualTo(10L));
    }

    @Test
    void tasksAlreadyPlacedCountTowardsTheSpread() {
        // a already runs 3 web tasks: the 3 new ones go to b and c until all are even.
        Plan plan = planner.plan(tasks("web", 3, PLAIN), List.of(node("a"), node("b"), node("c")),
                placed("web", 3, PLAIN, "a"));

        assertThat(perNode(plan)).containsOnly(entry("b", 2L), entry("c", 1L));
    }

    @Test
    void otherServicesLoadBreaksTiesBetweenNodesEqualForTheService() {
        Plan plan = planner.plan(tasks("web", 2, PLAIN), List.of(node("a"), node("b"), node("c")),
                placed("db", 2, PLAIN, "a"));

        assertThat(perNode(plan)).containsOnly(entry("b", 1L), entry("c", 1L));
    }

    @Test
    void maxReplicasPerNodeCapsEachNodeAndRejectsTheRest() {
        Plan plan = planner.plan(tasks("web", 5, maxPerNode(PLAIN, 2)), List.of(node("a"), node("b")), List.of());

        assertThat(perNode(plan)).containsOnly(entry("a", 2L), entry("b", 2L));
        assertThat(plan.rejections()).singleElement()
                .extracting(Rejection::reason).isEqualTo("no suitable node (max replicas per node limit exceed)");
    }

    @Test
    void constraintsOnLabelsKeepTasksInTheirZone() {
        List<Node> nodes = List.of(
                withLabels(node("a1"), Map.of("zone", "a")),
                withLabels(node("a2"), Map.of("zone", "a")),
                withLabels(node("b1"), Map.of("zone", "b")),
                node("bare"));
        Plan plan = planner.plan(tasks("web", 4, constraints(PLAIN, "node.labels.zone == a")), nodes, List.of());
        assertThat(perNode(plan)).containsOnly(entry("a1", 2L), entry("a2", 2L));

        Plan nowhere = planner.plan(tasks("web", 1, constraints(PLAIN, "node.labels.zone == c")), nodes, List.of());
        assertThat(nowhere.rejections()).extracting(Rejection::reason)
                .containsExactly("no suitable node (scheduling constraints not satisfied on 4 nodes)");
    }

    @Test
    void memoryExhaustionGivesSwarmsSentenceWithEveryReasonInPipelineOrder() {
        List<Node> nodes = List.of(
                withState(node("down"), NodeState.DOWN),
                withAvailability(node("drained"), NodeAvailability.DRAIN),
                withResources(node("m1"), 4, "1Gi"),
                withResources(node("m2"), 4, "1Gi"));
        Plan plan = planner.plan(tasks("web", 6, reserve(PLAIN, 0, "512Mi")), nodes, List.of());

        assertThat(perNode(plan)).containsOnly(entry("m1", 2L), entry("m2", 2L));
        assertThat(plan.rejections()).hasSize(2).extracting(Rejection::reason).containsOnly(
                "no suitable node (1 node not ready; 1 node not available for new tasks; 2 nodes insufficient memory)");
        assertThat(plan.rejections()).extracting(r -> r.task().id()).containsExactly("web-5", "web-6");
    }

    @Test
    void cpuAndMemoryAreCountedApart() {
        List<Node> nodes = List.of(withResources(node("cpu-poor"), 0.5, "8Gi"), withResources(node("mem-poor"), 8, "256Mi"));
        Plan plan = planner.plan(tasks("web", 1, reserve(PLAIN, 1, "512Mi")), nodes, List.of());

        assertThat(plan.rejections()).extracting(Rejection::reason)
                .containsExactly("no suitable node (1 node insufficient memory; 1 node insufficient CPU)");
    }

    @Test
    void anEmptyClusterHasNoSuitableNode() {
        Plan plan = planner.plan(tasks("web", 2, PLAIN), List.of(), List.of());

        assertThat(plan.assignments()).isEmpty();
        assertThat(plan.rejections()).extracting(Rejection::reason).containsExactly("no suitable node", "no suitable node");
    }

    @Test
    void aPinnedTaskOnlyGoesToItsNode() {
        List<Node> nodes = List.of(node("a"), node("b"));
        Plan plan = planner.plan(List.of(pinned("g1", "agent", PLAIN, "b")), nodes, List.of());

        assertThat(plan.assignments()).containsExactly(new Assignment(pinned("g1", "agent", PLAIN, "b"), "b"));
    }

    @Test
    void aPinnedTaskThatDoesNotFitSaysWhy() {
        List<Node> nodes = List.of(withResources(node("a"), 1, "256Mi"), node("b"));
        Task global = pinned("g1", "agent", reserve(PLAIN, 0, "512Mi"), "a");
        Plan plan = planner.plan(List.of(global), nodes, List.of());

        assertThat(plan.assignments()).isEmpty();
        assertThat(plan.rejections()).containsExactly(new Rejection(global, "1 node insufficient memory"));

        Task onDrained = pinned("g2", "agent", PLAIN, "d");
        Plan drained = planner.plan(List.of(onDrained),
                List.of(withAvailability(node("d"), NodeAvailability.DRAIN)), List.of());
        assertThat(drained.rejections()).extracting(Rejection::reason)
                .containsExactly("1 node not available for new tasks");

        Task onGone = pinned("g3", "agent", PLAIN, "gone");
        assertThat(planner.plan(List.of(onGone), nodes, List.of()).rejections()).extracting(Rejection::reason)
                .containsExactly("node gone not found");
    }

    @Test
    void pinnedTasksArePlacedBeforeFreeOnes() {
        // One node with room for one task: the global task, bound to it, gets it even though the
        // free task comes first in the batch.
        List<Node> nodes = List.of(withResources(node("a"), 1, "512Mi"));
        TaskTemplate half = reserve(PLAIN, 0, "512Mi");
        Task free = task("w1", "web", half);
        Task global = pinned("g1", "agent", half, "a");
        Plan plan = planner.plan(List.of(free, global), nodes, List.of());

        assertThat(plan.assignments()).extracting(a -> a.task().id()).containsExactly("g1");
        assertThat(plan.rejections()).extracting(Rejection::reason)
                .containsExactly("no suitable node (1 node insufficient memory)");
    }

    @Test
    void hostPortsConflictWithinOneBatch() {
        TaskTemplate port80 = ports(PLAIN, hostPort(80));
        Plan plan = planner.plan(tasks("web", 3, port80), List.of(node("a"), node("b")), List.of());

        assertThat(perNode(plan)).containsOnly(entry("a", 1L), entry("b", 1L));
        assertThat(plan.rejections()).extracting(Rejection::reason)
                .containsExactly("no suitable node (host-mode port already in use on 2 nodes)");

        // Across services too: another service's task in the same batch took the port on a.
        List<Task> batch = new ArrayList<>(tasks("proxy", 1, port80));
        batch.addAll(tasks("web", 1, port80));
        assertThat(perNode(planner.plan(batch, List.of(node("a"), node("b")), List.of())))
                .containsOnly(entry("a", 1L), entry("b", 1L));
    }

    @Test
    void placementPreferencesSpreadOverLabelValuesFirst() {
        // Zone a has one node, zone b three: 4 tasks go 2 to a and 2 to b, not 1 per node.
        List<Node> nodes = List.of(
                withLabels(node("a1"), Map.of("zone", "a")),
                withLabels(node("b1"), Map.of("zone", "b")),
                withLabels(node("b2"), Map.of("zone", "b")),
                withLabels(node("b3"), Map.of("zone", "b")));
        Plan plan = planner.plan(tasks("web", 4, spread(PLAIN, "node.labels.zone")), nodes, List.of());

        assertThat(perNode(plan)).containsOnly(entry("a1", 2L), entry("b1", 1L), entry("b2", 1L));
    }

    @Test
    void nestedPreferencesSpreadWithinEachGroup() {
        // Two zones; zone a has racks r1 and r2. 4 tasks: 2 per zone, and in zone a one per rack.
        List<Node> nodes = List.of(
                withLabels(node("a-r1"), Map.of("zone", "a", "rack", "r1")),
                withLabels(node("a-r1b"), Map.of("zone", "a", "rack", "r1")),
                withLabels(node("a-r2"), Map.of("zone", "a", "rack", "r2")),
                withLabels(node("b-r3"), Map.of("zone", "b", "rack", "r3")));
        Plan plan = planner.plan(tasks("web", 4, spread(PLAIN, "node.labels.zone", "node.labels.rack")), nodes,
                List.of());

        Map<String, Long> counts = perNode(plan);
        assertThat(counts.get("b-r3")).isEqualTo(2L);
        assertThat(counts.get("a-r2")).isEqualTo(1L);
        assertThat(counts.getOrDefault("a-r1", 0L) + counts.getOrDefault("a-r1b", 0L)).isEqualTo(1L);
    }

    @Test
    void planIsTheSameWhateverTheOrderOfNodes() {
        List<Node> nodes = new ArrayList<>(List.of(node("a"), node("b"), node("c"), node("d")));
        Plan first = planner.plan(tasks("web", 7, PLAIN), nodes, List.of());
        java.util.Collections.reverse(nodes);
        Plan second = planner.plan(tasks("web", 7, PLAIN), nodes, List.of());

        assertThat(second).isEqualTo(first);
    }
}
