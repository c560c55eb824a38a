package dev.berth.bench.rollout;

import dev.berth.api.Durations;
import dev.berth.bench.startup.StartupReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * The rolling-update benchmark's results and their table: medians per system, and the ratios the
 * issue asks for (Berth/engine, the target being 1.1 at most, and Berth/Swarm, below 1), with
 * Berth/engine-net (the bound with the network work Berth's tasks ask of the engine). Pure: no
 * I/O, so it is unit-tested. Medians and ratios are the start-up benchmark's.
 */
public final class RolloutReport {

    /** One measured rollout: {@code system}'s {@code run}-th. */
    public record Sample(String system, int run, RolloutTiming timing) {
    }

    private final RolloutPlan plan;
    private final List<Sample> samples = new ArrayList<>();

    /** @param plan what every run did, for the table's heading */
    public RolloutReport(RolloutPlan plan) {
        this.plan = plan;
    }

    public void add(Sample sample) {
        samples.add(sample);
    }

    /** The median of {@code metric} over the samples of {@code system}, if any. */
    public OptionalDouble median(String system, ToDoubleFunction<RolloutTiming> metric) {
        return StartupReport.median(samples.stream().filter(s -> s.system().equals(system))
                .mapToDouble(s -> metric.applyAsDouble(s.timing())).sorted().toArray());
    }

    /** One run's line, as it is printed when the run ends. */
    public static String line(Sample s) {
        return String.format(Locale.ROOT, "run %d  %-10s  deployed %6.2fs  all updated %7.2fs  completed %7.2fs",
                s.run(), s.system(), s.timing().deployed(), s.timing().allUpdated(), s.timing().completed());
    }

    /** The table of medians and ratios, for the systems measured, in the order they ran. */
    public String render() {
        List<String> systems = samples.stream().map(Sample::system).distinct().toList();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT,
                "Rolling update of %d replicas to a new image: parallelism %d, delay 0s, monitor %s, stop-first.%n",
                plan.replicas(), plan.parallelism(), Durations.format(plan.monitor())));
        b.append("Medians in seconds from the update call (engine: from its first stop).\n");
        b.append("  all updated = every replica seen running the new image; completed = the rollout reported complete\n\n");
        b.append(String.format(Locale.ROOT, "%-10s %5s %9s %12s %10s%n", "system", "runs", "deployed", "all-updated",
                "completed"));
        for (String system : systems) {
            long runs = samples.stream().filter(s -> s.system().equals(system)).count();
            b.append(String.format(Locale.ROOT, "%-10s %5d %9s %12s %10s%n", system, runs,
                    fmt(median(system, RolloutTiming::deployed)), fmt(median(system, RolloutTiming::allUpdated)),
                    fmt(median(system, RolloutTiming::completed))));
        }
        b.append("\nRatios of the medians: completed (all updated)\n");
        for (String[] p : new String[][] {{"berth", "engine"}, {"berth", "engine-net"}, {"berth", "swarm"},
                {"swarm", "engine"}}) {
            Optional<Double> completed = StartupReport.ratio(median(p[0], RolloutTiming::completed),
                    median(p[1], RolloutTiming::completed));
            if (completed.isEmpty()) {
                continue;
            }
            Optional<Double> updated = StartupReport.ratio(median(p[0], RolloutTiming::allUpdated),
                    median(p[1], RolloutTiming::allUpdated));
            b.append(String.format(Locale.ROOT, "  %-17s %.2f%s%n", p[0] + "/" + p[1], completed.get(),
                    updated.map(r -> String.format(Locale.ROOT, " (%.2f)", r)).orElse("")));
        }
        return b.toString();
    }

    private static String fmt(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.2f", v.getAsDouble()) : "-";
    }
}
