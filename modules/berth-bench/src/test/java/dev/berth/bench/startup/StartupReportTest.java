package dev.berth.bench.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class StartupReportTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(StartupReport.median(new double[] {1, 2, 9})).hasValue(2);
        assertThat(StartupReport.median(new double[] {1, 2, 4, 9})).hasValue(3);
        assertThat(StartupReport.median(new double[0])).isEmpty();
    }

    @Test
    void ratioNeedsBothMediansAndANonZeroDivisor() {
        assertThat(StartupReport.ratio(OptionalDouble.of(3), OptionalDouble.of(2))).contains(1.5);
        assertThat(StartupReport.ratio(OptionalDouble.of(3), OptionalDouble.empty())).isEmpty();
        assertThat(StartupReport.ratio(OptionalDouble.of(3), OptionalDouble.of(0))).isEmpty();
    }

    @Test
    void tableHasMediansPerSystemAndRatios() {
        StartupReport report = new StartupReport();
        report.add(new StartupReport.Sample("engine", 10, 1, new Timing(0, 0.5, 2.0)));
        report.add(new StartupReport.Sample("engine", 10, 2, new Timing(0, 0.7, 4.0)));
        report.add(new StartupReport.Sample("engine", 10, 3, new Timing(0, 0.6, 3.0)));
        report.add(new StartupReport.Sample("swarm", 10, 1, new Timing(0.1, 5.0, 6.0)));
        report.add(new StartupReport.Sample("berth", 10, 1, new Timing(0.2, 0.9, 3.3)));

        assertThat(report.median("engine", 10, Timing::all)).hasValue(3.0);
        String table = report.render();
        assertThat(table).containsPattern("10\\s+engine\\s+3\\s+-\\s+0\\.60\\s+-\\s+3\\.00");
        assertThat(table).containsPattern("10\\s+berth\\s+1\\s+0\\.20\\s+0\\.90\\s+0\\.70\\s+3\\.30");
        // berth/engine 3.3/3.0, berth/swarm 3.3/6.0, swarm/engine 6.0/3.0; first running in parentheses
        assertThat(table).containsPattern("10\\s+1\\.10 \\(1\\.50\\)\\s+0\\.55 \\(0\\.18\\)\\s+2\\.00 \\(8\\.33\\)");
    }

    @Test
    void theNetworkBoundGetsItsOwnRatioWhenMeasured() {
        StartupReport report = new StartupReport();
        report.add(new StartupReport.Sample("engine", 100, 1, new Timing(0, 0.5, 10)));
        report.add(new StartupReport.Sample("engine-net", 100, 1, new Timing(0, 0.6, 12)));
        report.add(new StartupReport.Sample("berth", 100, 1, new Timing(0.1, 0.9, 13.2)));
        String table = report.render();
        assertThat(table).contains("berth/engine-net");
        // berth/engine 13.2/10, ..., berth/engine-net 13.2/12
        assertThat(table).containsPattern("100\\s+1\\.32 \\(1\\.80\\).*1\\.10 \\(1\\.50\\)");
        assertThat(new StartupReport().render()).doesNotContain("engine-net");
    }

    @Test
    void theBoundWithoutEngineNetworkingGetsItsOwnRatioWhenMeasured() {
        StartupReport report = new StartupReport();
        report.add(new StartupReport.Sample("engine", 100, 1, new Timing(0, 0.5, 10)));
        report.add(new StartupReport.Sample("engine-nonet", 100, 1, new Timing(0, 0.4, 5)));
        report.add(new StartupReport.Sample("berth", 100, 1, new Timing(0.1, 0.8, 6)));
        String table = report.render();
        assertThat(table).containsPattern("100\\s+engine-nonet\\s+1\\s+-\\s+0\\.40\\s+-\\s+5\\.00");
        // berth/engine 6/10, berth/swarm -, swarm/engine -, berth/engine-nonet 6/5
        assertThat(table).containsPattern("100\\s+0\\.60 \\(1\\.60\\)\\s+-\\s+-\\s+1\\.20 \\(2\\.00\\)");
        assertThat(new StartupReport().render()).doesNotContain("engine-nonet");
    }

    @Test
    void missingSystemLeavesItsRatiosEmpty() {
        StartupReport report = new StartupReport();
        report.add(new StartupReport.Sample("engine", 50, 1, new Timing(0, 1, 10)));
        report.add(new StartupReport.Sample("swarm", 50, 1, new Timing(0.1, 5, 12)));
        assertThat(report.render()).containsPattern("50\\s+-\\s+-\\s+1\\.20 \\(5\\.00\\)");
    }
}
