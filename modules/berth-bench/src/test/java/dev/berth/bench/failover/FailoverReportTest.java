package dev.berth.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class FailoverReportTest {

    private static RunResult run(String system, int run, double down, double replaced, int containers) {
        return new RunResult(system, run, OptionalDouble.of(down), OptionalDouble.of(replaced), OptionalDouble.of(1.5),
                containers, 6);
    }

    @Test
    void aResultSurvivesItsLineIncludingTimesNotReached() {
        RunResult r = new RunResult("swarm", 2, OptionalDouble.of(13.6), OptionalDouble.empty(), OptionalDouble.of(1.25), 7, 6);
        RunResult back = RunResult.parse(r.toLine());
        assertThat(back.system()).isEqualTo("swarm");
        assertThat(back.markedDown()).hasValue(13.6);
        assertThat(back.replaced()).isEmpty();
        assertThat(back.noDuplicates()).isFalse();
        assertThatThrownBy(() -> RunResult.parse("berth\t1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mediansIgnoreRunsThatNeverGotThere() {
        assertThat(FailoverReport.median(List.of(OptionalDouble.of(3), OptionalDouble.empty(), OptionalDouble.of(1),
                OptionalDouble.of(2)))).hasValue(2);
        assertThat(FailoverReport.median(List.of(OptionalDouble.of(1), OptionalDouble.of(4)))).hasValue(2.5);
        assertThat(FailoverReport.median(List.of(OptionalDouble.empty()))).isEmpty();
    }

    @Test
    void tableSetsSystemsSideBySideWithTheRatioBerthOverSwarm() {
        FailoverReport report = new FailoverReport(List.of(
                run("berth", 1, 3.0, 4.0, 6), run("berth", 2, 2.0, 3.0, 6), run("berth", 3, 4.0, 5.0, 7),
                run("swarm", 1, 15.0, 20.0, 6), run("swarm", 2, 14.0, 19.0, 6)));
        String table = report.render();
        assertThat(table).containsPattern("berth\\s+3\\s+3\\.00 s\\s+4\\.00 s\\s+1\\.50 s\\s+2/3");
        assertThat(table).containsPattern("swarm\\s+2\\s+14\\.50 s\\s+19\\.50 s\\s+1\\.50 s\\s+2/2");
        // 3.0 / 14.5 and 4.0 / 19.5
        assertThat(table).containsPattern("b/s\\s+0\\.21\\s+0\\.21");
    }

    @Test
    void aRunLineSaysWhetherTheCountMatched() {
        assertThat(FailoverReport.line(run("berth", 1, 1.2, 1.7, 6))).containsPattern("marked down +1\\.20s +all replacements running +1\\.70s").endsWith("6/6 ok");
        assertThat(FailoverReport.line(run("berth", 1, 1.2, 1.7, 8))).endsWith("8/6 MISMATCH");
    }
}
