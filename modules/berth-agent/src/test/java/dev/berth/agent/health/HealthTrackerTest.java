package dev.berth.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.HealthCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static HealthCheck check(int retries, Duration startPeriod) {
        return new HealthCheck(List.of("true"), null, null, Duration.ofSeconds(1), Duration.ofSeconds(1), retries,
                startPeriod);
    }

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void startsStartingAndTheFirstSuccessMakesItHealthy() {
        HealthTracker t = new HealthTracker(check(3, Duration.ZERO), T0);
        assertThat(t.health()).isEqualTo("starting");

        assertThat(t.record(true, at(1))).contains("healthy");
        assertThat(t.record(true, at(2))).as("no change, no news").isEmpty();
        assertThat(t.health()).isEqualTo("healthy");
    }

    @Test
    void retriesFailuresInARowMakeItUnhealthyAndASuccessResetsTheStreak() {
        HealthTracker t = new HealthTracker(check(3, Duration.ZERO), T0);
        t.record(true, at(1));

        assertThat(t.record(false, at(2))).isEmpty();
        assertThat(t.record(false, at(3))).isEmpty();
        assertThat(t.record(true, at(4))).as("still healthy: the streak was 2").isEmpty();
        assertThat(t.failingStreak()).isZero();
        assertThat(t.record(false, at(5))).isEmpty();
        assertThat(t.record(false, at(6))).isEmpty();
        assertThat(t.record(false, at(7))).contains("unhealthy");
        assertThat(t.failingStreak()).isEqualTo(3);
    }

    @Test
    void aTaskThatNeverSucceedsGoesFromStartingToUnhealthy() {
        HealthTracker t = new HealthTracker(check(2, Duration.ZERO), T0);

        assertThat(t.record(false, at(1))).isEmpty();
        assertThat(t.health()).isEqualTo("starting");
        assertThat(t.record(false, at(2))).contains("unhealthy");
    }

    @Test
    void failuresWithinTheStartPeriodDoNotCount() {
        HealthTracker t = new HealthTracker(check(1, Duration.ofSeconds(10)), T0);

        assertThat(t.record(false, at(3))).isEmpty();
        assertThat(t.record(false, at(9))).isEmpty();
        assertThat(t.failingStreak()).isZero();
        assertThat(t.health()).isEqualTo("starting");
        // after it they do
        assertThat(t.record(false, at(10))).contains("unhealthy");
    }

    @Test
    void aSuccessEndsTheStartPeriodEarly() {
        HealthTracker t = new HealthTracker(check(1, Duration.ofSeconds(60)), T0);

        assertThat(t.record(true, at(2))).contains("healthy");
        assertThat(t.record(false, at(3))).as("healthy: failures count at once").contains("unhealthy");
    }

    @Test
    void zeroRetriesMeansDockersDefaultOfThree() {
        HealthTracker t = new HealthTracker(check(0, Duration.ZERO), T0);

        assertThat(t.record(false, at(1))).isEmpty();
        assertThat(t.record(false, at(2))).isEmpty();
        assertThat(t.record(false, at(3))).contains("unhealthy");
    }

    @Test
    void anAdoptedHealthyTaskStaysHealthyUntilItFails() {
        HealthTracker t = new HealthTracker(check(2, Duration.ZERO), T0, "healthy");
        assertThat(t.health()).isEqualTo("healthy");
        assertThat(t.record(true, at(1))).isEmpty();

        HealthTracker other = new HealthTracker(check(2, Duration.ZERO), T0, "unhealthy");
        assertThat(other.health()).as("only healthy is carried over").isEqualTo("starting");
    }
}
