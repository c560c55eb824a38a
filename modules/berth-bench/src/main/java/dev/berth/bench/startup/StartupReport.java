package dev.berth.bench.startup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * The benchmark's results and their table: medians per system and N, and the ratios the issue
 * asks for (Berth/engine, Berth/Swarm, Swarm/engine). Pure: no I/O, so it is unit-tested.
 */
public final class StartupReport {

    /** One measured start: {@code system} started {@code replicas} replicas in run {@code run}. */
    public record Sample(String system, int replicas, int run, Timing timing) {
    }

    private final List<Sample> samples = new ArrayList<>();

    public void add(Sample sample) {
        samples.add(sample);
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The median of {@code metric} over the samples of {@code system} at {@code replicas}, if any. */
    public OptionalDouble median(String system, int replicas, ToDoubleFunction<Timing> metric) {
        double[] values = samples.stream().filter(s -> s.system().equals(system) && s.replicas() == replicas)
                .mapToDouble(s -> metric.applyAsDouble(s.timing())).sorted().toArray();
        return median(values);
    }

    /** The median of values (the mean of the middle two for an even count); empty for none. */
    public static OptionalDouble median(double[] sorted) {
        if (sorted.length == 0) {
            return OptionalDouble.empty();
        }
        int mid = sorted.length / 2;
        return OptionalDouble.of(sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
    }

    /** {@code a / b} of two medians, when both exist and b is not zero. */
    public static Optional<Double> ratio(OptionalDouble a, OptionalDouble b) {
        if (a.isEmpty() || b.isEmpty() || b.getAsDouble() == 0) {
            return Optional.empty();
        }
        return Optional.of(a.getAsDouble() / b.getAsDouble());
    }

    /** The table of medians and ratios, for the systems and sizes that were measured, in that order. */
    public String render() {
        List<String> systems = samples.stream().map(Sample::system).distinct().toList();
        List<Integer> sizes = samples.stream().map(Sample::replicas).distinct().sorted().toList();
        StringBuilder b = new StringBuilder();
        b.append("Medians in seconds; every time counts from just before the create call.\n");
        b.append("  first+ = first replica running after the create call returned (the issue's <= 1 s target)\n\n");
        b.append(String.format(Locale.ROOT, "%6s  %-12s %5s %9s %9s %9s %9s%n", "N", "system", "runs", "create",
                "first", "first+", "all"));
        for (int n : sizes) {
            for (String system : systems) {
                int runs = (int) samples.stream().filter(s -> s.system().equals(system) && s.replicas() == n).count();
                if (runs == 0) {
                    continue;
                }
                boolean engine = system.startsWith("engine");
                b.append(String.format(Locale.ROOT, "%6d  %-12s %5d %9s %9s %9s %9s%n", n, system, runs,
                        engine ? "-" : fmt(median(system, n, Timing::created)),
                        fmt(median(system, n, Timing::first)),
                        engine ? "-" : fmt(median(system, n, Timing::firstAfterCreate)),
                        fmt(median(system, n, Timing::all))));
            }
        }
        Map<String, String[]> pairs = new LinkedHashMap<>();
        pairs.put("berth/engine", new String[] {"berth", "engine"});
        pairs.put("berth/swarm", new String[] {"berth", "swarm"});
        pairs.put("swarm/engine", new String[] {"swarm", "engine"});
        if (systems.contains("engine-nonet")) {
            // the engine's part of a Berth task (no engine networking): Berth over it is Berth's own
            pairs.put("berth/engine-nonet", new String[] {"berth", "engine-nonet"});
        }
        if (systems.contains("engine-net")) {
            // the bound with the network work Berth's tasks ask of the engine
            pairs.put("berth/engine-net", new String[] {"berth", "engine-net"});
        }
        b.append("\nRatios of the medians: all running (first running)\n");
        b.append(String.format(Locale.ROOT, "%6s", "N"));
        pairs.keySet().forEach(k -> b.append(String.format(Locale.ROOT, "  %-20s", k)));
        b.append('\n');
        for (int n : sizes) {
            b.append(String.format(Locale.ROOT, "%6d", n));
            for (String[] p : pairs.values()) {
                Optional<Double> all = ratio(median(p[0], n, Timing::all), median(p[1], n, Timing::all));
                Optional<Double> first = ratio(median(p[0], n, Timing::first), median(p[1], n, Timing::first));
                String cell = all.map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("-")
                        + first.map(r -> String.format(Locale.ROOT, " (%.2f)", r)).orElse("");
                b.append(String.format(Locale.ROOT, "  %-20s", cell));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String fmt(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.2f", v.getAsDouble()) : "-";
    }
}
