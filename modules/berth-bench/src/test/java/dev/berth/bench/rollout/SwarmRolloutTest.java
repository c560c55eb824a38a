package dev.berth.bench.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SwarmRolloutTest {

    @Test
    void swarmGetsTheSameUpdateConfig() {
        RolloutPlan plan = new RolloutPlan(50, 5, Duration.ZERO, "a", "b", true);
        var spec = SwarmRollout.spec("bench-swarm-roll-1", plan, "sha256:abc");
        assertThat(spec.getTaskTemplate().getContainerSpec().getImage()).isEqualTo("sha256:abc");
        assertThat(spec.getTaskTemplate().getContainerSpec().getInit()).isTrue();
        assertThat(spec.getMode().getReplicated().getReplicas()).isEqualTo(50);
        assertThat(spec.getUpdateConfig().getParallelism()).isEqualTo(5);
        assertThat(spec.getUpdateConfig().getDelay()).isZero();
        // Swarm reads 0 as its 5s default: the shortest monitor it honours is sent instead
        assertThat(spec.getUpdateConfig().getMonitor()).isEqualTo(1L);
        assertThat(SwarmRollout.spec("s", new RolloutPlan(50, 5, Duration.ofSeconds(2), "a", "b", true), "x")
                .getUpdateConfig().getMonitor()).isEqualTo(2_000_000_000L);
    }
}
