package dev.berth.scheduler;

import static dev.berth.scheduler.Fixtures.node;
import static dev.berth.scheduler.Fixtures.placed;
import static dev.berth.scheduler.Fixtures.spread;
import static dev.berth.scheduler.Fixtures.task;
import static dev.berth.scheduler.Fixtures.template;
import static dev.berth.scheduler.Fixtures.withLabels;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Node;
import dev.berth.api.Task;
import dev.berth.api.TaskTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How each scorer orders two nodes, and in which order the planner asks them. */
class ScorerTest {

    private static final TaskTemplate PLAIN = template();

    @Test
    void serviceSpreadPrefersTheNodeWithFewerTasksOfTheService() {
        List<Task> placed = new ArrayList<>(placed("web", 2, PLAIN, "a"));
        placed.addAll(placed("db", 5, PLAIN, "b"));
        placed.addAll(placed("web", 1, PLAIN, "b"));
        NodeSet nodes = NodeSet.of(List.of(node("a"), node("b")), placed);
        NodeInfo a = nodes.get("a").orElseThrow();
        NodeInfo b = nodes.get("b").orElseThrow();
        Task web = task("t", "web", PLAIN);

        Scorer scorer = new ServiceSpreadScorer();
        assertThat(scorer.compare(web, b, a, nodes)).isNegative();
        assertThat(scorer.compare(web, a, b, nodes)).isPositive();
        assertThat(scorer.compare(task("t", "cache", PLAIN), a, b, nodes)).isZero();
    }

    @Test
    void totalTasksPrefersTheLeastLoadedNode() {
        NodeSet nodes = NodeSet.of(List.of(node("a"), node("b")), placed("db", 3, PLAIN, "b"));
        NodeInfo a = nodes.get("a").orElseThrow();
        NodeInfo b = nodes.get("b").orElseThrow();

        Scorer scorer = new TotalTasksScorer();
        assertThat(scorer.compare(task("t", "web", PLAIN), a, b, nodes)).isNegative();
        assertThat(scorer.compare(task("t", "web", PLAIN), b, a, nodes)).isPositive();
    }

    @Test
    void preferencePrefersTheLabelValueWithFewerTasksOfTheService() {
        // Zone x has two nodes with one web task each; zone y one node with one: y holds fewer.
        Node x1 = withLabels(node("x1"), Map.of("zone", "x"));
        Node x2 = withLabels(node("x2"), Map.of("zone", "x"));
        Node y1 = withLabels(node("y1"), Map.of("zone", "y"));
        TaskTemplate spread = spread(PLAIN, "node.labels.zone");
        List<Task> placed = new ArrayList<>(placed("web", 1, spread, "x1"));
        placed.addAll(placed("web", 1, spread, "x2"));
        placed.addAll(placed("web", 1, spread, "y1"));
        NodeSet nodes = NodeSet.of(List.of(x1, x2, y1), placed);
        Task web = task("t", "web", spread);

        Scorer scorer = new PreferenceScorer();
        assertThat(nodes.preferenceCount(web, 0, nodes.get("x2").orElseThrow())).isEqualTo(2);
        assertThat(scorer.compare(web, nodes.get("y1").orElseThrow(), nodes.get("x1").orElseThrow(), nodes))
                .isNegative();
        assertThat(scorer.compare(web, nodes.get("x1").orElseThrow(), nodes.get("x2").orElseThrow(), nodes))
                .isZero();
        assertThat(scorer.compare(task("t", "web", PLAIN), nodes.get("y1").orElseThrow(),
                nodes.get("x1").orElseThrow(), nodes)).as("no preferences: no opinion").isZero();
    }

    @Test
    void preferenceCountsFollowPlacementsOfThePlan() {
        Node x1 = withLabels(node("x1"), Map.of("zone", "x"));
        Node x2 = withLabels(node("x2"), Map.of("zone", "x"));
        TaskTemplate spread = spread(PLAIN, "node.labels.zone");
        NodeSet nodes = NodeSet.of(List.of(x1, x2, node("bare")), List.of());
        Task web = task("w1", "web", spread);
        assertThat(nodes.preferenceCount(web, 0, nodes.get("x2").orElseThrow())).isZero();

        nodes.place(web, nodes.get("x1").orElseThrow());

        assertThat(nodes.preferenceCount(web, 0, nodes.get("x2").orElseThrow())).isEqualTo(1);
        assertThat(nodes.preferenceCount(web, 0, nodes.get("bare").orElseThrow()))
                .as("a node without the label is its own group").isZero();
    }

    @Test
    void scorersAreAskedInOrderAndTheNodeIdBreaksTies() {
        // b runs fewer tasks overall, a fewer web tasks: service spread is asked first and wins.
        List<Task> placed = new ArrayList<>(placed("db", 4, PLAIN, "a"));
        placed.addAll(placed("web", 1, PLAIN, "b"));
        Plan plan = new Planner().plan(List.of(task("t", "web", PLAIN)), List.of(node("b"), node("a")), placed);
        assertThat(plan.assignments()).extracting(Assignment::nodeId).containsExactly("a");

        // Reversed scorers: total load first, so b.
        Planner loadFirst = new Planner(Planner.defaultFilters(),
                List.of(new TotalTasksScorer(), new ServiceSpreadScorer()));
        assertThat(loadFirst.plan(List.of(task("t", "web", PLAIN)), List.of(node("b"), node("a")), placed)
                .assignments()).extracting(Assignment::nodeId).containsExactly("b");

        // No scorer can tell empty nodes apart: the lowest id, whatever the input order.
        Plan tie = new Planner().plan(List.of(task("t", "web", PLAIN)),
                List.of(node("n3"), node("n1"), node("n2")), List.of());
        assertThat(tie.assignments()).extracting(Assignment::nodeId).containsExactly("n1");
    }

    @Test
    void preferenceComesBeforeServiceSpread() {
        // Zone a runs one web task (on a1), zone b two (both on b1), b2 none. Spreading over
        // nodes alone would pick b2; the preference picks zone a first, so a1.
        TaskTemplate spread = spread(PLAIN, "node.labels.zone");
        Node a1 = withLabels(node("a1"), Map.of("zone", "a"));
        Node b1 = withLabels(node("b1"), Map.of("zone", "b"));
        Node b2 = withLabels(node("b2"), Map.of("zone", "b"));
        List<Task> placed = new ArrayList<>(placed("web", 1, spread, "a1"));
        placed.addAll(placed("web", 2, spread, "b1"));
        Plan plan = new Planner().plan(List.of(task("t", "web", spread)), List.of(a1, b1, b2), placed);
        assertThat(plan.assignments()).extracting(Assignment::nodeId).containsExactly("a1");
    }
}
