package dev.berth.cli.output;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Durations as people read them in tables: kubectl's {@code AGE} column and Swarm's {@code 5 seconds ago}. */
public final class Ages {

    private Ages() {
    }

    /**
     * kubectl's short age ({@code 45s}, {@code 3m20s}, {@code 5h}, {@code 2d3h}); {@code <unknown>}
     * without a time.
     */
    public static String shortAge(Optional<Instant> since, Instant now) {
        if (since.isEmpty()) {
            return "<unknown>";
        }
        return shortDuration(Duration.between(since.get(), now));
    }

    /** kubectl's {@code HumanDuration}. */
    public static String shortDuration(Duration d) {
        if (d.isNegative()) {
            // clocks of client and server differ a little; a just-created object is 0s old
            return d.compareTo(Duration.ofSeconds(-1)) < 0 ? "<invalid>" : "0s";
        }
        long seconds = d.toSeconds();
        if (seconds < 120) {
            return seconds + "s";
        }
        long minutes = d.toMinutes();
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        }
        if (minutes < 3 * 60) {
            return minutes + "m";
        }
        long hours = d.toHours();
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        }
        if (hours < 48) {
            return hours + "h";
        }
        if (hours < 8 * 24) {
            long h = hours % 24;
            return h == 0 ? (hours / 24) + "d" : (hours / 24) + "d" + h + "h";
        }
        if (hours < 2 * 365 * 24) {
            return (hours / 24) + "d";
        }
        long years = hours / 24 / 365;
        if (years < 8) {
            long days = (hours / 24) % 365;
            return days == 0 ? years + "y" : years + "y" + days + "d";
        }
        return years + "y";
    }

    /** Docker's {@code HumanDuration} ({@code Less than a second}, {@code 5 seconds}, {@code About a minute}...). */
    public static String human(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return "Less than a second";
        }
        if (seconds == 1) {
            return "1 second";
        }
        if (seconds < 60) {
            return seconds + " seconds";
        }
        long minutes = d.toMinutes();
        if (minutes == 1) {
            return "About a minute";
        }
        if (minutes < 60) {
            return minutes + " minutes";
        }
        long hours = Math.round(d.toMillis() / 3_600_000.0);
        if (hours == 1) {
            return "About an hour";
        }
        if (hours < 48) {
            return hours + " hours";
        }
        if (hours < 24 * 7 * 2) {
            return (hours / 24) + " days";
        }
        if (hours < 24 * 30 * 2) {
            return (hours / 24 / 7) + " weeks";
        }
        if (hours < 24 * 365 * 2) {
            return (hours / 24 / 30) + " months";
        }
        return (d.toHours() / 24 / 365) + " years";
    }

    /** Swarm's {@code CURRENT STATE} time: {@code 5 seconds ago}, empty without a time. */
    public static String ago(Optional<Instant> since, Instant now) {
        if (since.isEmpty()) {
            return "";
        }
        Duration d = Duration.between(since.get(), now);
        return human(d.isNegative() ? Duration.ZERO : d) + " ago";
    }
}
