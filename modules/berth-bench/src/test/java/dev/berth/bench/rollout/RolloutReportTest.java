package dev.berth.bench.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RolloutReportTest {

    private static final RolloutPlan PLAN = new RolloutPlan(50, 5, Duration.ZERO, "a", "b", true);

    @Test
    void tableHasMediansPerSystemAndRatiosOfCompletedAndAllUpdated() {
        RolloutReport report = new RolloutReport(PLAN);
        report.add(new RolloutReport.Sample("engine", 1, new RolloutTiming(3, 10, 10)));
        report.add(new RolloutReport.Sample("engine", 2, new RolloutTiming(4, 12, 12)));
        report.add(new RolloutReport.Sample("engine", 3, new RolloutTiming(5, 11, 11)));
        report.add(new RolloutReport.Sample("swarm", 1, new RolloutTiming(6, 20, 22)));
        report.add(new RolloutReport.Sample("engine-net", 1, new RolloutTiming(4, 10, 11)));
        report.add(new RolloutReport.Sample("berth", 1, new RolloutTiming(4, 11, 12.1)));

        assertThat(report.median("engine", RolloutTiming::completed)).hasValue(11);
        String table = report.render();
        assertThat(table).contains("50 replicas").contains("parallelism 5").contains("monitor 0s");
        assertThat(table).containsPattern("engine\\s+3\\s+4\\.00\\s+11\\.00\\s+11\\.00");
        assertThat(table).containsPattern("berth\\s+1\\s+4\\.00\\s+11\\.00\\s+12\\.10");
        // berth/engine 12.1/11 (11/11), berth/engine-net 12.1/11 (11/10), berth/swarm 12.1/22 (11/20),
        // swarm/engine 22/11 (20/11)
        assertThat(table).containsPattern("berth/engine\\s+1\\.10 \\(1\\.00\\)");
        assertThat(table).containsPattern("berth/swarm\\s+0\\.55 \\(0\\.55\\)");
        assertThat(table).containsPattern("berth/engine-net\\s+1\\.10 \\(1\\.10\\)");
        assertThat(table).containsPattern("swarm/engine\\s+2\\.00 \\(1\\.82\\)");
    }

    @Test
    void ratiosOfSystemsNotMeasuredAreLeftOut() {
        RolloutReport report = new RolloutReport(PLAN);
        report.add(new RolloutReport.Sample("engine", 1, new RolloutTiming(3, 10, 10)));
        report.add(new RolloutReport.Sample("swarm", 1, new RolloutTiming(6, 20, 25)));
        String table = report.render();
        assertThat(table).contains("swarm/engine").doesNotContain("berth/");
        assertThat(RolloutReport.line(new RolloutReport.Sample("swarm", 2, new RolloutTiming(6, 20, 25))))
                .contains("run 2").contains("swarm").contains("20.00s").contains("25.00s");
    }
}
