package dev.berth.e2e.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.testkit.lab.ExecResult;
import dev.berth.testkit.lab.Lab;
import dev.berth.testkit.lab.LabExtension;
import dev.berth.testkit.lab.LabNode;
import dev.berth.testkit.lab.LabNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lab on real namespaces, engines and Berth: two nodes, their engines, the images, the
 * network between them, and a crash and revival. Needs root (CI runs as root).
 */
@ExtendWith(LabExtension.class)
@LabNodes(2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabIT {

    private static final String SLEEP_IMAGE = "berth-examples/sleep:1";

    @Test
    @Order(1)
    void eachNodeHasItsOwnEngineWithTheExampleImages(Lab lab) {
        assertThat(lab.nodes()).extracting(LabNode::index).containsExactly(1, 2);
        for (LabNode node : lab.nodes()) {
            assertThat(lab.docker(node, "info", "--format", "{{.DockerRootDir}}").orThrow("docker info").out())
                    .isEqualTo("/var/lib/berth-lab/" + node.index() + "/docker");
            assertThat(lab.docker(node, "image", "inspect", "--format", "{{.Id}}", SLEEP_IMAGE).exit())
                    .as("%s in node %d's engine", SLEEP_IMAGE, node.index()).isZero();
            // each engine hands out its own container subnet
            assertThat(lab.docker(node, "network", "inspect", "bridge", "--format", "{{(index .IPAM.Config 0).Subnet}}").out())
                    .isEqualTo("10.98." + node.index() + ".0/24");
        }
    }

    @Test
    @Order(2)
    void nodesLiveInTheirOwnNamespaceAndReachEachOther(Lab lab) {
        LabNode node1 = lab.node(1);
        LabNode node2 = lab.node(2);
        assertThat(lab.exec(node2, "ip", "-4", "-o", "addr", "show", "eth0").out()).contains(node2.address() + "/24");

        // node 2 reaches the manager's API on node 1 across the bridge
        ExecResult health = lab.exec(node2, "curl", "-fsS", "--max-time", "5", lab.managerUrl() + "/healthz");
        assertThat(health.exit()).as("curl from node 2: %s", health.stderr()).isZero();
        assertThat(health.out()).isEqualTo("ok");

        // and both nodes are members of the cluster
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(lab.berth(node1, "node", "ls").out()).contains(node2.hostname()).contains(node1.hostname()));
    }

    @Test
    @Order(3)
    void aCutNodeIsUnreachableUntilMended(Lab lab) {
        LabNode node2 = lab.node(2);
        String url = lab.managerUrl() + "/healthz";
        lab.cut(node2);
        try {
            assertThat(lab.exec(node2, "curl", "-fsS", "--max-time", "2", url).exit()).isNotZero();
        } finally {
            lab.mend(node2);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(lab.exec(node2, "curl", "-fsS", "--max-time", "2", url).exit()).isZero());
    }

    @Test
    @Order(4)
    void killStopsTheNodesEngineAndContainersAndReviveRestoresIt(Lab lab) {
        LabNode node1 = lab.node(1);
        LabNode node2 = lab.node(2);
        String id = lab.docker(node2, "run", "-d", "--label", "dev.berth.lab-it=1", SLEEP_IMAGE)
                .orThrow("docker run on node 2").out();
        String pid = lab.docker(node2, "inspect", "--format", "{{.State.Pid}}", id).out();
        assertThat(running(pid)).as("the container's process %s", pid).isTrue();

        lab.kill(node2);

        assertThat(lab.docker(node2, "version").exit()).as("node 2's engine after kill").isNotZero();
        assertThat(running(pid)).as("the container's process after kill").isFalse();
        assertThat(lab.docker(node1, "version").exit()).as("node 1's engine is untouched").isZero();

        lab.revive(node2);

        assertThat(lab.docker(node2, "version").exit()).as("node 2's engine after revive").isZero();
        assertThat(lab.docker(node2, "inspect", "--format", "{{.State.Running}}", id).out())
                .as("the container is known again, stopped").isEqualTo("false");
        assertThat(lab.docker(node2, "image", "inspect", SLEEP_IMAGE).exit()).as("images survive").isZero();
        // its agent is back: the node shows Ready again with the same name
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lab.berth(node1, "node", "ls").out())
                .containsPattern("(?m)^\\S+\\s+" + node2.hostname() + "\\s+Ready"));
        assertThat(lab.status()).containsPattern("(?m)^2\\s+berth-lab-2\\s+10\\.99\\.0\\.12\\s+up\\s+alive\\s+alive");
    }

    @Test
    @Order(5)
    void aNodeAddedToTheRunningLabJoinsTheCluster(Lab lab) {
        LabNode node3 = lab.addNode();

        assertThat(node3.index()).isEqualTo(3);
        assertThat(lab.nodes()).extracting(LabNode::index).containsExactly(1, 2, 3);
        assertThat(lab.docker(node3, "image", "inspect", SLEEP_IMAGE).exit()).isZero();
        assertThat(lab.exec(node3, "curl", "-fsS", "--max-time", "5", lab.managerUrl() + "/healthz").out()).isEqualTo("ok");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lab.berth(lab.node(1), "node", "ls").out())
                .containsPattern("(?m)^\\S+\\s+lab-3\\s+Ready"));
    }

    /** Whether process {@code pid} runs: a zombie (state Z) is dead, only not yet reaped by its new parent. */
    private static boolean running(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }
}
