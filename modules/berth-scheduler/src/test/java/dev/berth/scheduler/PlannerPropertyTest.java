package dev.berth.scheduler;

import static dev.berth.scheduler.Fixtures.constraints;
import static dev.berth.scheduler.Fixtures.hostPort;
import static dev.berth.scheduler.Fixtures.maxPerNode;
import static dev.berth.scheduler.Fixtures.pinned;
import static dev.berth.scheduler.Fixtures.ports;
import static dev.berth.scheduler.Fixtures.reserve;
import static dev.berth.scheduler.Fixtures.spread;
import static dev.berth.scheduler.Fixtures.task;
import static dev.berth.scheduler.Fixtures.template;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Constraint;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeState;
import dev.berth.api.PortConfig;
import dev.berth.api.Task;
import dev.berth.api.TaskTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random clusters and batches (fixed seed) checked against invariants by an oracle written
 * apart from the filters: nothing over-committed, limits kept, every task decided once, and a
 * task rejected only when no node could take it.
 */
class PlannerPropertyTest {

    private static final int CASES = 600;
    private static final String[] MEMORY = {"0", "256Mi", "512Mi", "1Gi", "2Gi"};
    private static final double[] CPUS = {0, 0.5, 1, 2, 4};

    @Test
    void plansKeepEveryInvariant() {
        Random random = new Random(20261128L);
        int assigned = 0;
        int rejected = 0;
        for (int c = 0; c < CASES; c++) {
            Case input = randomCase(random, c);
            Plan plan = new Planner().plan(input.pending, input.nodes, input.placed);
            check(input, plan);
            assigned += plan.assignments().size();
            rejected += plan.rejections().size();
        }
        // The generator must exercise both outcomes, or the invariants prove little.
        assertThat(assigned).isGreaterThan(CASES);
        assertThat(rejected).isGreaterThan(CASES / 4);
    }

    private record Case(int index, List<Node> nodes, List<Task> placed, List<Task> pending) {
    }

    private static Case randomCase(Random random, int index) {
        List<Node> nodes = new ArrayList<>();
        int nodeCount = random.nextInt(7);
        for (int i = 0; i < nodeCount; i++) {
            NodeState state = random.nextInt(6) == 0 ? NodeState.DOWN : NodeState.READY;
            NodeAvailability availability = random.nextInt(6) == 0
                    ? (random.nextBoolean() ? NodeAvailability.PAUSE : NodeAvailability.DRAIN)
                    : NodeAvailability.ACTIVE;
            Map<String, String> labels = new HashMap<>();
            int zone = random.nextInt(3);
            if (zone < 2) {
                labels.put("zone", zone == 0 ? "a" : "b");
            }
            NodeRole role = random.nextInt(4) == 0 ? NodeRole.MANAGER : NodeRole.WORKER;
            nodes.add(Fixtures.node("n" + i, state, availability, CPUS[random.nextInt(CPUS.length)],
                    MEMORY[random.nextInt(MEMORY.length)], labels, role));
        }
        List<TaskTemplate> services = new ArrayList<>();
        int serviceCount = 1 + random.nextInt(4);
        for (int s = 0; s < serviceCount; s++) {
            TaskTemplate t = reserve(template(), CPUS[random.nextInt(3)] / 2, MEMORY[random.nextInt(4)]);
            switch (random.nextInt(4)) {
                case 0 -> t = constraints(t, "node.labels.zone == a");
                case 1 -> t = constraints(t, "node.role != manager");
                default -> { }
            }
            t = maxPerNode(t, random.nextInt(3));
            if (random.nextInt(3) == 0) {
                t = ports(t, hostPort(8000 + random.nextInt(2)));
            }
            if (random.nextInt(3) == 0) {
                t = spread(t, "node.labels.zone");
            }
            services.add(t);
        }
        List<Task> placed = new ArrayList<>();
        if (!nodes.isEmpty()) {
            int placedCount = random.nextInt(8);
            for (int i = 0; i < placedCount; i++) {
                int s = random.nextInt(serviceCount);
                placed.add(pinned("p" + i, "s" + s, services.get(s),
                        nodes.get(random.nextInt(nodes.size())).id()));
            }
        }
        List<Task> pending = new ArrayList<>();
        int pendingCount = random.nextInt(16);
        for (int i = 0; i < pendingCount; i++) {
            int s = random.nextInt(serviceCount);
            if (random.nextInt(6) == 0) {
                // A global task, bound to a node that may not exist.
                String nodeId = "n" + random.nextInt(nodeCount + 1);
                pending.add(pinned("g" + i, "s" + s, services.get(s), nodeId));
            } else {
                pending.add(task("t" + i, "s" + s, services.get(s)));
            }
        }
        return new Case(index, nodes, placed, pending);
    }

    private static void check(Case input, Plan plan) {
        // The case number is enough to replay it: the seed is fixed.
        String where = "case " + input.index;
        // Every pending task exactly once.
        List<String> decided = new ArrayList<>();
        plan.assignments().forEach(a -> decided.add(a.task().id()));
        plan.rejections().forEach(r -> decided.add(r.task().id()));
        assertThat(decided).as(where).containsExactlyInAnyOrderElementsOf(
                input.pending.stream().map(Task::id).toList());

        // The final state: placed tasks plus the plan's.
        Map<String, Node> nodes = new HashMap<>();
        Map<String, List<Task>> onNode = new HashMap<>();
        for (Node node : input.nodes) {
            nodes.put(node.id(), node);
            onNode.put(node.id(), new ArrayList<>());
        }
        input.placed.forEach(t -> onNode.get(t.spec().nodeId()).add(t));
        for (Assignment a : plan.assignments()) {
            assertThat(nodes).as(where).containsKey(a.nodeId());
            if (!a.task().spec().nodeId().isEmpty()) {
                assertThat(a.nodeId()).as(where + " pinned task stays on its node").isEqualTo(a.task().spec().nodeId());
            }
            onNode.get(a.nodeId()).add(a.task());
        }

        for (Assignment a : plan.assignments()) {
            Node node = nodes.get(a.nodeId());
            List<Task> tasks = onNode.get(a.nodeId());
            Task task = a.task();
            assertThat(usable(task, node)).as(where + " assigned to a usable node: " + a).isTrue();
            if (memory(task) > 0) {
                assertThat(tasks.stream().mapToLong(PlannerPropertyTest::memory).sum())
                        .as(where + " memory on " + node.id()).isLessThanOrEqualTo(node.status().resources().memory().bytes());
            }
            if (cpus(task) > 0) {
                assertThat(tasks.stream().mapToLong(PlannerPropertyTest::cpus).sum())
                        .as(where + " cpus on " + node.id()).isLessThanOrEqualTo(NodeInfo.nanoCpus(node.status().resources().cpus()));
            }
            int max = task.spec().template().placement().maxReplicasPerNode();
            if (max > 0) {
                assertThat(tasks.stream().filter(t -> t.spec().serviceName().equals(task.spec().serviceName())).count())
                        .as(where + " max per node on " + node.id()).isLessThanOrEqualTo(max);
            }
            for (Task other : tasks) {
                if (other != task) {
                    assertThat(sharedHostPorts(task, other)).as(where + " host ports of " + task.id() + " and "
                            + other.id() + " on " + node.id()).isFalse();
                }
            }
        }

        for (Rejection r : plan.rejections()) {
            Task task = r.task();
            String pinnedTo = task.spec().nodeId();
            if (pinnedTo.isEmpty()) {
                assertThat(r.reason()).as(where).startsWith("no suitable node");
                if (input.nodes.isEmpty()) {
                    assertThat(r.reason()).isEqualTo("no suitable node");
                }
                for (Node node : input.nodes) {
                    assertThat(fits(task, node, onNode.get(node.id())))
                            .as(where + " rejected " + task.id() + " (" + r.reason() + ") but " + node.id() + " fits")
                            .isFalse();
                }
            } else if (nodes.containsKey(pinnedTo)) {
                assertThat(fits(task, nodes.get(pinnedTo), onNode.get(pinnedTo)))
                        .as(where + " rejected pinned " + task.id() + " (" + r.reason() + ") but its node fits")
                        .isFalse();
            }
        }
    }

    /** The oracle: whether {@code node} running {@code tasks} could take one more {@code task}. */
    private static boolean fits(Task task, Node node, List<Task> tasks) {
        if (!usable(task, node)) {
            return false;
        }
        long memory = tasks.stream().mapToLong(PlannerPropertyTest::memory).sum() + memory(task);
        if (memory(task) > 0 && memory > node.status().resources().memory().bytes()) {
            return false;
        }
        long cpus = tasks.stream().mapToLong(PlannerPropertyTest::cpus).sum() + cpus(task);
        if (cpus(task) > 0 && cpus > NodeInfo.nanoCpus(node.status().resources().cpus())) {
            return false;
        }
        int max = task.spec().template().placement().maxReplicasPerNode();
        long same = tasks.stream().filter(t -> t.spec().serviceName().equals(task.spec().serviceName())).count();
        if (max > 0 && same >= max) {
            return false;
        }
        return tasks.stream().noneMatch(t -> sharedHostPorts(task, t));
    }

    private static boolean usable(Task task, Node node) {
        return node.status().state() == NodeState.READY
                && node.spec().availability() == NodeAvailability.ACTIVE
                && task.spec().template().placement().constraints().stream()
                        .allMatch(c -> Constraint.parse(c).matches(node));
    }

    private static long memory(Task task) {
        return task.spec().template().resources().reservations().memory().bytes();
    }

    private static long cpus(Task task) {
        return NodeInfo.nanoCpus(task.spec().template().resources().reservations().cpus());
    }

    private static boolean sharedHostPorts(Task a, Task b) {
        Set<String> ports = new HashSet<>();
        for (PortConfig p : a.spec().template().ports()) {
            if (p.publishMode() == dev.berth.api.PublishMode.HOST && p.published() > 0) {
                ports.add(p.protocol() + "/" + p.published());
            }
        }
        for (PortConfig p : b.spec().template().ports()) {
            if (p.publishMode() == dev.berth.api.PublishMode.HOST && p.published() > 0
                    && ports.contains(p.protocol() + "/" + p.published())) {
                return true;
            }
        }
        return false;
    }
}
