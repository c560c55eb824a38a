package dev.berth.manager.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.ClusterSpec;
import dev.berth.api.DispatcherSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DispatcherConfigTest {

    @Test
    void defaultsAreTheClusterDefaults() {
        DispatcherConfig d = DispatcherConfig.defaults();
        assertThat(DispatcherConfig.from(ClusterSpec.DEFAULT)).isEqualTo(d);
        assertThat(d.heartbeatPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.sessionTtlSeconds()).isEqualTo(2);
        assertThat(d.lossDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(d.livenessGrace()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void theDefaultsDetectALostNodeInTime() {
        // a cut link: the lease outlives the last heartbeat by at most its TTL, etcd's lessor
        // looks every 500 ms, then the node waits lossDelay; what is left of the 5 s goes to
        // scheduling and starting the replacements
        DispatcherConfig d = DispatcherConfig.defaults();
        Duration down = Duration.ofSeconds(d.sessionTtlSeconds()).plusMillis(500).plus(d.lossDelay());
        assertThat(down).isLessThanOrEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void takesTheClustersTimings() {
        ClusterSpec spec = new ClusterSpec(5, new DispatcherSpec(Duration.ofMillis(250), Duration.ofSeconds(4),
                Duration.ofSeconds(1), Duration.ofSeconds(30)));
        DispatcherConfig d = DispatcherConfig.defaults().withLossDelay(Duration.ofSeconds(9)).withTimings(spec);
        assertThat(d.heartbeatPeriod()).isEqualTo(Duration.ofMillis(250));
        assertThat(d.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(d.sessionTtlSeconds()).isEqualTo(4);
        assertThat(d.lossDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.livenessGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.statusBatchMax()).isEqualTo(128);
    }

    @Test
    void invalidTimingsNameTheField() {
        ClusterSpec spec = new ClusterSpec(5, new DispatcherSpec(Duration.ofMillis(50), Duration.ofMillis(2500),
                null, null));
        assertThatThrownBy(() -> DispatcherConfig.from(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spec.dispatcher.heartbeatPeriod: must be between 100ms and 1m, got 50ms")
                .hasMessageContaining("spec.dispatcher.heartbeatTimeout: must be a whole number of seconds");
    }

    @Test
    void theTimeoutCoversTwoHeartbeats() {
        assertThat(DispatcherConfig.defaults().withHeartbeatPeriod(Duration.ofSeconds(3)).sessionTtlSeconds())
                .isEqualTo(6);
        assertThat(DispatcherConfig.defaults().withHeartbeatPeriod(Duration.ofMillis(100)).sessionTtlSeconds())
                .isEqualTo(2);
    }
}
