package dev.berth.bench.failover;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The figures of one node-loss run of one system; a time that was not reached is empty.
 *
 * @param system {@code berth} or {@code swarm}
 * @param run 1-based
 * @param markedDown seconds from the node's death to the system marking it down
 * @param replaced seconds from the node's death to all replicas running on the other nodes
 * @param backReady seconds from the revive (or mend) call to the node being ready again
 * @param containers running containers of the service on all engines, ~5 s after it was ready
 * @param replicas what {@code containers} must equal
 */
public record RunResult(String system, int run, OptionalDouble markedDown, OptionalDouble replaced,
        OptionalDouble backReady, int containers, int replicas) {

    /** Whether no slot ran twice (and none was missing) once the node was back. */
    public boolean noDuplicates() {
        return containers == replicas;
    }

    /** One tab-separated line, as {@link #parse} reads it ({@code -} for a time not reached). */
    public String toLine() {
        return String.join("\t", system, Integer.toString(run), fmt(markedDown), fmt(replaced), fmt(backReady),
                Integer.toString(containers), Integer.toString(replicas));
    }

    /** Reads what {@link #toLine} wrote. */
    public static RunResult parse(String line) {
        String[] f = line.strip().split("\t");
        if (f.length != 7) {
            throw new IllegalArgumentException("not a run result line: " + line);
        }
        return new RunResult(f[0], Integer.parseInt(f[1]), time(f[2]), time(f[3]), time(f[4]),
                Integer.parseInt(f[5]), Integer.parseInt(f[6]));
    }

    static String fmt(OptionalDouble d) {
        return d.isPresent() ? String.format(Locale.ROOT, "%.2f", d.getAsDouble()) : "-";
    }

    private static OptionalDouble time(String s) {
        return s.equals("-") ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(s));
    }
}
