package dev.berth.scheduler;

import static dev.berth.scheduler.Fixtures.hostPort;
import static dev.berth.scheduler.Fixtures.ingressPort;
import static dev.berth.scheduler.Fixtures.node;
import static dev.berth.scheduler.Fixtures.pinned;
import static dev.berth.scheduler.Fixtures.ports;
import static dev.berth.scheduler.Fixtures.reserve;
import static dev.berth.scheduler.Fixtures.task;
import static dev.berth.scheduler.Fixtures.template;
import static dev.berth.scheduler.Fixtures.withResources;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.ByteSize;
import dev.berth.api.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The counters a node info keeps as tasks are added. */
class NodeInfoTest {

    @Test
    void countsReservationsPortsAndTasksPerService() {
        Task web = pinned("w1", "web", ports(reserve(template(), 0.5, "256Mi"), hostPort(80)), "n1");
        Task db = pinned("d1", "db", ports(reserve(template(), 1, "1Gi"), ingressPort(5432)), "n1");
        NodeInfo info = NodeInfo.of(withResources(node("n1"), 2, "2Gi"), List.of(web, db));

        assertThat(info.taskCount()).isEqualTo(2);
        assertThat(info.serviceTaskCount(task("x", "web", template()))).isEqualTo(1);
        assertThat(info.serviceTaskCount(task("x", "cache", template()))).isZero();
        assertThat(info.reservedNanoCpus()).isEqualTo(1_500_000_000L);
        assertThat(info.availableNanoCpus()).isEqualTo(500_000_000L);
        assertThat(info.availableMemoryBytes()).isEqualTo(ByteSize.parse("768Mi").bytes());
        assertThat(info.hostPortInUse(hostPort(80))).isTrue();
        assertThat(info.hostPortInUse(hostPort(5432))).as("ingress ports bind nothing on the node").isFalse();
    }

    @Test
    void aTaskAddedTwiceCountsOnce() {
        Task web = pinned("w1", "web", reserve(template(), 1, "1Gi"), "n1");
        NodeInfo info = NodeInfo.of(node("n1"), List.of(web));

        assertThat(info.addTask(web)).isFalse();
        assertThat(info.taskCount()).isEqualTo(1);
        assertThat(info.reservedMemoryBytes()).isEqualTo(ByteSize.parse("1Gi").bytes());
    }

    @Test
    void overCommittedNodesShowNegativeRoom() {
        NodeInfo info = NodeInfo.of(withResources(node("n1"), 1, "1Gi"),
                List.of(pinned("w1", "web", reserve(template(), 2, "2Gi"), "n1")));

        assertThat(info.availableNanoCpus()).isNegative();
        assertThat(info.availableMemoryBytes()).isNegative();
    }
}
