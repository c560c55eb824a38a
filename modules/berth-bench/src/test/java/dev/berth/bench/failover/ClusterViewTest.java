package dev.berth.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.bench.failover.ClusterView.NodeCondition;
import dev.berth.bench.failover.ClusterView.TaskView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterViewTest {

    private static final Map<Integer, NodeCondition> READY = Map.of(1, NodeCondition.READY, 2, NodeCondition.READY,
            3, NodeCondition.READY);

    private static List<TaskView> running(int... nodes) {
        List<TaskView> tasks = new ArrayList<>();
        for (int n : nodes) {
            tasks.add(new TaskView(n, true, true));
        }
        return tasks;
    }

    @Test
    void evenSpreadNeedsEveryReplicaRunningAndNoNodeAheadByMoreThanOne() {
        assertThat(new ClusterView(READY, running(1, 1, 2, 2, 3, 3)).evenlySpread(6, 3)).isTrue();
        assertThat(new ClusterView(READY, running(1, 1, 1, 2, 2, 3)).evenlySpread(6, 3)).isFalse();
        assertThat(new ClusterView(READY, running(1, 1, 2, 2, 3)).evenlySpread(6, 3)).isFalse();
        assertThat(new ClusterView(READY, running(1, 1, 2, 2, 3)).evenlySpread(5, 3)).isTrue();
        assertThat(new ClusterView(READY, running(1, 1, 2, 2, 3, 3)).spread(3)).containsExactly(2, 2, 2);
    }

    @Test
    void aTaskStillStartingOrNoLongerWantedIsNotARunningReplica() {
        List<TaskView> tasks = running(1, 1, 2, 2, 3);
        tasks.add(new TaskView(3, true, false)); // starting
        tasks.add(new TaskView(3, false, true)); // old, replaced
        ClusterView v = new ClusterView(READY, tasks);
        assertThat(v.runningReplicas()).isEqualTo(5);
        assertThat(v.evenlySpread(6, 3)).isFalse();
    }

    @Test
    void lossIsRepairedOnlyWhenAllReplicasRunElsewhereAndNoneIsWantedOnTheLostNode() {
        Map<Integer, NodeCondition> down = Map.of(1, NodeCondition.READY, 2, NodeCondition.READY, 3, NodeCondition.DOWN);
        // Swarm right after the loss: the lost node's tasks still say running and are still wanted
        assertThat(new ClusterView(down, running(1, 1, 2, 2, 3, 3)).replacedOff(3, 6)).isFalse();

        List<TaskView> half = running(1, 1, 2, 2, 1);
        half.add(new TaskView(2, true, false)); // a replacement still starting
        half.add(new TaskView(3, false, true)); // stale reports of the lost node, no longer wanted
        half.add(new TaskView(3, false, true));
        assertThat(new ClusterView(down, half).replacedOff(3, 6)).isFalse();

        List<TaskView> done = running(1, 1, 2, 2, 1, 2);
        done.add(new TaskView(3, false, true));
        done.add(new TaskView(3, false, true));
        assertThat(new ClusterView(down, done).replacedOff(3, 6)).isTrue();

        // a replacement placed on the lost node again does not count as repaired
        List<TaskView> back = running(1, 1, 2, 2, 1);
        back.add(new TaskView(3, true, false));
        assertThat(new ClusterView(down, back).replacedOff(3, 6)).isFalse();
    }

    @Test
    void anUnlistedNodeIsNeitherReadyNorDown() {
        assertThat(new ClusterView(Map.of(1, NodeCondition.READY), List.of()).node(3)).isEqualTo(NodeCondition.OTHER);
    }

    @Test
    void labIndexComesFromTheNodesLabAddress() {
        assertThat(Contestant.labIndex("10.99.0.13")).isEqualTo(3);
        assertThat(Contestant.labIndex("10.99.0.11:4243")).isEqualTo(1);
        assertThat(Contestant.labIndex("192.168.1.5")).isZero();
        assertThat(Contestant.labIndex(null)).isZero();
    }

    @Test
    void berthNodeStatesAreReadRegardlessOfCase() {
        assertThat(BerthContestant.condition("down")).isEqualTo(NodeCondition.DOWN);
        assertThat(BerthContestant.condition("READY")).isEqualTo(NodeCondition.READY);
        assertThat(BerthContestant.condition("disconnected")).isEqualTo(NodeCondition.OTHER);
    }
}
