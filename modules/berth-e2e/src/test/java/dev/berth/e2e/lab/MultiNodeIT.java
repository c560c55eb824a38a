package dev.berth.e2e.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.testkit.lab.ExecResult;
import dev.berth.testkit.lab.Lab;
import dev.berth.testkit.lab.LabExtension;
import dev.berth.testkit.lab.LabNode;
import dev.berth.testkit.lab.LabNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The article's steps 1–2 and what Swarm does with three servers, on three lab nodes (network
 * namespaces with a dockerd and a Berth agent each; node 1 runs {@code berth init}, nodes 2 and 3
 * {@code berth join}): node ls, spread, constraints, drain, a killed node and a partitioned node
 * whose tasks are replaced elsewhere without duplicates once they return, and a global service
 * that follows a fourth node. One lab serves the class; the tests run in order because the last
 * one adds a node.
 */
@ExtendWith(LabExtension.class)
@LabNodes(3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeIT {

    private static final Logger LOG = LogManager.getLogger(MultiNodeIT.class);
    /** Containers start in about a second; CLI JVMs and a loaded 2-core machine need the rest. */
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final List<String> services = new ArrayList<>();
    private Lab lab;
    private LabApi api;

    @BeforeEach
    void setUp(Lab lab) {
        this.lab = lab;
        this.api = new LabApi(lab.managerUrl());
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() ->
                api.readyNodes() >= lab.nodes().size());
    }

    @AfterEach
    void removeServices() {
        for (String svc : services) {
            berth(node(1), "service", "rm", svc);
        }
        // every container of those services gone from every engine before the next test counts
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> services.stream()
                .allMatch(svc -> lab.nodes().stream().allMatch(n -> containers(n, svc) == 0)));
        services.clear();
    }

    @Test
    @Order(1)
    void nodeLsShowsThreeReadyActiveNodesAndOneLeader() {
        ExecResult ls = berth(node(1), "node", "ls");
        assertThat(ls.ok()).as(ls.stderr()).isTrue();
        List<String> rows = ls.out().lines().skip(1).toList();
        assertThat(rows).hasSize(3).allSatisfy(row -> assertThat(row).contains("Ready").contains("Active"));
        assertThat(rows).filteredOn(row -> row.contains("Leader")).singleElement().asString()
                .contains(node(1).hostname()).contains("*");
        for (LabNode n : lab.nodes()) {
            assertThat(rows).anySatisfy(row -> assertThat(row).contains(n.hostname()));
        }
    }

    @Test
    @Order(2)
    void sixReplicasSpreadTwoPerNode() {
        String svc = create("spread", "--replicas", "6", "berth-examples/sleep:1");

        Map<String, Integer> perNode = awaitRunning(svc, 6);

        assertThat(perNode).hasSize(3).allSatisfy((nodeId, n) -> assertThat(n).isEqualTo(2));
        for (LabNode n : lab.nodes()) {
            assertThat(containers(n, svc)).as("running containers of %s on %s", svc, n.hostname()).isEqualTo(2);
        }
    }

    @Test
    @Order(3)
    void constraintOnANodeLabelPlacesOnlyOnLabelledNodes() {
        ExecResult labelled = berth(node(1), "node", "update", "--label-add", "zone=b", node(2).hostname());
        assertThat(labelled.ok()).as(labelled.stderr()).isTrue();
        try {
            String svc = create("zoned", "--replicas", "3", "--constraint", "node.labels.zone==b",
                    "berth-examples/sleep:1");

            Map<String, Integer> perNode = awaitRunning(svc, 3);

            assertThat(perNode).containsOnlyKeys(nodeId(node(2)));
        } finally {
            berth(node(1), "node", "update", "--label-rm", "zone", node(2).hostname());
        }
    }

    @Test
    @Order(4)
    void drainMovesANodesTasksToTheOthers() {
        String svc = create("drained", "--replicas", "6", "berth-examples/sleep:1");
        awaitRunning(svc, 6);

        assertThat(berth(node(1), "node", "update", "--availability", "drain", node(3).hostname()).ok()).isTrue();
        try {
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Map<String, Integer> perNode = api.runningPerNode(svc);
                assertThat(perNode).doesNotContainKey(nodeId(node(3)));
                assertThat(perNode.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(6);
                assertThat(containers(node(3), svc)).isZero();
            });
            assertThat(berth(node(1), "node", "ls").out()).containsPattern(node(3).hostname() + "\\s+Ready\\s+Drain");
        } finally {
            berth(node(1), "node", "update", "--availability", "active", node(3).hostname());
        }
    }

    @Test
    @Order(5)
    void aKilledNodesTasksAreReplacedAndNeverRunTwiceAfterItReturns() {
        String svc = create("killed", "--replicas", "6", "berth-examples/sleep:1");
        awaitRunning(svc, 6);
        String lost = nodeId(node(3));

        long t0 = System.nanoTime();
        lab.kill(node(3));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Map<String, Integer> perNode = api.runningPerNode(svc);
            assertThat(perNode).doesNotContainKey(lost);
            assertThat(perNode.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(6);
        });
        LOG.info("node 3 killed: all 6 replicas running on nodes 1-2 after {} ms",
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(api.nodeStates()).containsEntry(lost, "down");

        lab.revive(node(3));
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> "ready".equals(api.nodeStates().get(lost)));
        assertNoSlotRunsTwice(svc, 6);
    }

    @Test
    @Order(6)
    void aPartitionedNodesTasksAreReplacedAndStoppedThereWhenItReturns() {
        String svc = create("cut", "--replicas", "6", "berth-examples/sleep:1");
        awaitRunning(svc, 6);
        String lost = nodeId(node(3));

        lab.cut(node(3));
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                Map<String, Integer> perNode = api.runningPerNode(svc);
                assertThat(perNode).doesNotContainKey(lost);
                assertThat(perNode.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(6);
            });
            // still running there: the node is alive, only cut off
            assertThat(containers(node(3), svc)).isEqualTo(2);
        } finally {
            lab.mend(node(3));
        }
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> "ready".equals(api.nodeStates().get(lost)));
        assertNoSlotRunsTwice(svc, 6);
    }

    @Test
    @Order(7)
    void aGlobalServiceRunsOnEveryNodeAndFollowsAFourthOne() {
        String svc = create("global", "--mode", "global", "berth-examples/sleep:1");
        Map<String, Integer> perNode = awaitRunning(svc, 3);
        assertThat(perNode).hasSize(3).allSatisfy((nodeId, n) -> assertThat(n).isEqualTo(1));

        LabNode fourth = lab.addNode();

        Map<String, Integer> after = awaitRunning(svc, 4);
        assertThat(after).hasSize(4).containsKey(nodeId(fourth)).allSatisfy((nodeId, n) -> assertThat(n).isEqualTo(1));
        assertThat(containers(fourth, svc)).isEqualTo(1);
    }

    // --- helpers ---

    private LabNode node(int i) {
        return lab.node(i);
    }

    private ExecResult berth(LabNode on, String... args) {
        ExecResult r = lab.berth(on, args);
        if (!r.ok()) {
            LOG.info("berth {} on {} exited {}: {}", String.join(" ", args), on.hostname(), r.exit(), r.stderr().strip());
        }
        return r;
    }

    private String create(String name, String... args) {
        String svc = "e2e-" + name;
        List<String> all = new ArrayList<>(List.of("service", "create", "--name", svc));
        all.addAll(List.of(args));
        ExecResult r = berth(node(1), all.toArray(String[]::new));
        assertThat(r.ok()).as("service create %s: %s", svc, r.stderr()).isTrue();
        services.add(svc);
        return svc;
    }

    private String nodeId(LabNode n) {
        String id = api.nodeIds().get(n.hostname());
        assertThat(id).as("node id of %s", n.hostname()).isNotNull();
        return id;
    }

    /** Waits until {@code count} tasks of the service run; returns them per node id. */
    private Map<String, Integer> awaitRunning(String svc, int count) {
        Map<String, Integer> last = new HashMap<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            last.clear();
            last.putAll(api.runningPerNode(svc));
            return last.values().stream().mapToInt(Integer::intValue).sum() == count;
        });
        return last;
    }

    /** Running containers of {@code svc} on {@code n}'s engine (names are {@code svc.slot.task}). */
    private int containers(LabNode n, String svc) {
        ExecResult ps = lab.docker(n, "ps", "-q", "--filter", "name=^/" + svc + "\\.");
        return ps.ok() ? (int) ps.out().lines().filter(l -> !l.isBlank()).count() : 0;
    }

    /**
     * After a lost node came back and things settled: exactly {@code replicas} containers run over
     * all engines, one per slot, and the API agrees.
     */
    private void assertNoSlotRunsTwice(String svc, int replicas) {
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            int total = lab.nodes().stream().mapToInt(n -> containers(n, svc)).sum();
            assertThat(total).as("running containers of %s on all nodes", svc).isEqualTo(replicas);
        });
        // and it stays so: no late duplicate from the returning node
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(lab.nodes().stream().mapToInt(n -> containers(n, svc)).sum())
                        .isEqualTo(replicas));
        List<Integer> slots = new ArrayList<>();
        api.tasks(svc).stream().filter(LabApi.TaskView::running).forEach(t -> slots.add(t.slot()));
        assertThat(slots).hasSize(replicas).doesNotHaveDuplicates();
    }
}
