package dev.berth.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the way Docker and Go write them: {@code 5s}, {@code 100ms},
 * {@code 1m30s}, {@code 2h}, {@code 0s}.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private Durations() {
    }

    /**
     * Parses a Go-style duration.
     *
     * @throws IllegalArgumentException with a message saying what is accepted
     */
    public static Duration parse(String text) {
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(s);
        int at = 0;
        long nanos = 0;
        while (at < s.length() && m.find(at) && m.start() == at) {
            double value = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> throw new IllegalStateException(m.group(2));
            };
            nanos += Math.round(value * unit);
            at = m.end();
        }
        if (at == 0 || at != s.length()) {
            throw new IllegalArgumentException(
                    "expected a duration like 5s, 100ms or 1m30s, got \"" + text + "\"");
        }
        return Duration.ofNanos(nanos);
    }

    /** Formats like Go: {@code 1m30s}, {@code 250ms}, {@code 0s}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        long nanos = d.toNanos();
        if (nanos < 1_000_000_000L) {
            if (nanos % 1_000_000L == 0) {
                return (nanos / 1_000_000L) + "ms";
            }
            if (nanos % 1_000L == 0) {
                return (nanos / 1_000L) + "us";
            }
            return nanos + "ns";
        }
        StringBuilder out = new StringBuilder();
        long hours = d.toHours();
        long minutes = d.toMinutesPart();
        long seconds = d.toSecondsPart();
        long millis = d.toMillisPart();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (seconds > 0 || millis > 0) {
            out.append(seconds);
            if (millis > 0) {
                out.append('.').append(String.format("%03d", millis).replaceAll("0+$", ""));
            }
            out.append('s');
        }
        return out.toString();
    }
}
