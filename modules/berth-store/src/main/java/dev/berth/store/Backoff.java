package dev.berth.store;

import java.time.Duration;

/**
 * Exponential backoff between a minimum and a maximum delay: each failure doubles the delay,
 * a success resets it. Not thread-safe; one owner uses it.
 */
public final class Backoff {

    private final Duration min;
    private final Duration max;
    private Duration next;

    public Backoff(Duration min, Duration max) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + min + ".." + max);
        }
        this.min = min;
        this.max = max;
        this.next = min;
    }

    /** The delay before the next attempt; the one after will be twice as long, up to the maximum. */
    public Duration nextDelay() {
        Duration current = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return current;
    }

    /** Starts again from the minimum, after a success. */
    public void reset() {
        next = min;
    }
}
