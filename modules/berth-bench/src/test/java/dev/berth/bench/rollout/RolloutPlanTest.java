package dev.berth.bench.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutPlanTest {

    private static RolloutPlan plan(int replicas, int parallelism) {
        return new RolloutPlan(replicas, parallelism, Duration.ZERO, "old:1", "new:2", true);
    }

    @Test
    void fiftyReplicasByFiveAreTenBatchesInSlotOrder() {
        List<List<Integer>> batches = EngineRollout.batches(plan(50, 5));
        assertThat(batches).hasSize(10);
        assertThat(batches.get(0)).containsExactly(1, 2, 3, 4, 5);
        assertThat(batches.get(9)).containsExactly(46, 47, 48, 49, 50);
        assertThat(batches.stream().flatMap(List::stream)).hasSize(50).doesNotHaveDuplicates();
    }

    @Test
    void aShortLastBatchAndParallelismZeroMeaningAllAtOnce() {
        assertThat(EngineRollout.batches(plan(7, 3))).containsExactly(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7));
        assertThat(plan(7, 0).batchSize()).isEqualTo(7);
        assertThat(plan(7, 0).batches()).isEqualTo(1);
        assertThat(plan(3, 5).batchSize()).isEqualTo(3);
    }

    @Test
    void badPlansAreRefused() {
        assertThatThrownBy(() -> plan(50, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parallelism");
        assertThatThrownBy(() -> plan(0, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicas");
        assertThatThrownBy(() -> new RolloutPlan(5, 1, Duration.ofSeconds(-1), "a", "b", true))
                .hasMessageContaining("monitor");
    }
}
