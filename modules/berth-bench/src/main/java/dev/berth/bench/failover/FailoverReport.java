package dev.berth.bench.failover;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The node-loss benchmark's summary: medians over the runs of each system, side by side, and the
 * ratio Berth/Swarm. Pure: it only renders the results it is given.
 */
public final class FailoverReport {

    private final List<RunResult> results;

    public FailoverReport(List<RunResult> results) {
        this.results = List.copyOf(results);
    }

    /** The median of the values present; empty when none is. */
    static OptionalDouble median(List<OptionalDouble> values) {
        double[] v = values.stream().filter(OptionalDouble::isPresent).mapToDouble(OptionalDouble::getAsDouble).sorted().toArray();
        if (v.length == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
    }

    /** {@code a / b} when both are present and {@code b} is not zero. */
    static Optional<Double> ratio(OptionalDouble a, OptionalDouble b) {
        if (a.isEmpty() || b.isEmpty() || b.getAsDouble() == 0) {
            return Optional.empty();
        }
        return Optional.of(a.getAsDouble() / b.getAsDouble());
    }

    /** The median of one figure over a system's runs. */
    public OptionalDouble median(String system, Function<RunResult, OptionalDouble> figure) {
        return median(results.stream().filter(r -> r.system().equals(system)).map(figure).toList());
    }

    private List<RunResult> of(String system) {
        return results.stream().filter(r -> r.system().equals(system)).toList();
    }

    /** The table: per system runs, medians of each figure and the duplicate check; then Berth/Swarm. */
    public String render() {
        List<String> systems = new ArrayList<>();
        for (RunResult r : results) {
            if (!systems.contains(r.system())) {
                systems.add(r.system());
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-7s %5s %14s %14s %12s %14s%n", "system", "runs", "marked down", "replaced",
                "back ready", "no duplicates"));
        for (String s : systems) {
            List<RunResult> runs = of(s);
            long clean = runs.stream().filter(RunResult::noDuplicates).count();
            b.append(String.format(Locale.ROOT, "%-7s %5d %14s %14s %12s %14s%n", s, runs.size(),
                    RunResult.fmt(median(s, RunResult::markedDown)) + " s", RunResult.fmt(median(s, RunResult::replaced)) + " s",
                    RunResult.fmt(median(s, RunResult::backReady)) + " s", clean + "/" + runs.size()));
        }
        if (systems.contains("berth") && systems.contains("swarm")) {
            b.append(String.format(Locale.ROOT, "%-7s %5s %14s %14s%n", "b/s", "",
                    ratio(median("berth", RunResult::markedDown), median("swarm", RunResult::markedDown))
                            .map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("-"),
                    ratio(median("berth", RunResult::replaced), median("swarm", RunResult::replaced))
                            .map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("-")));
        }
        return b.toString();
    }

    /** One run as printed when it ends. */
    static String line(RunResult r) {
        return String.format(Locale.ROOT, "%-6s run %d  marked down %7s  all replacements running %7s  back ready %7s  "
                + "running containers after revive %d/%d %s", r.system(), r.run(), secs(r.markedDown()), secs(r.replaced()),
                secs(r.backReady()), r.containers(), r.replicas(), r.noDuplicates() ? "ok" : "MISMATCH");
    }

    private static String secs(OptionalDouble d) {
        return RunResult.fmt(d) + (d.isPresent() ? "s" : "");
    }

    /** A spread as printed: {@code 2/2/2} (node 1's count first). */
    static String spread(int[] counts) {
        return String.join("/", Arrays.stream(counts).mapToObj(Integer::toString).toList());
    }
}
