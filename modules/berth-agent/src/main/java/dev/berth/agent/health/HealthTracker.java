package dev.berth.agent.health;

import dev.berth.api.HealthCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The health of one task's container from its check results, by Docker's rules: {@code starting}
 * until the first success, {@code healthy} after it, {@code unhealthy} after {@code retries}
 * failures in a row; a failure while still starting and within {@code startPeriod} of the start
 * does not count. Pure: the caller runs the checks and passes their times. Not thread-safe (one
 * prober drives it).
 */
public final class HealthTracker {

    /** Until the first success. */
    public static final String STARTING = "starting";
    /** After a success, until {@code retries} failures in a row. */
    public static final String HEALTHY = "healthy";
    /** After {@code retries} failures in a row. */
    public static final String UNHEALTHY = "unhealthy";

    private final Instant startPeriodEnd;
    private final int retries;
    private String health;
    private int failures;

    /** A tracker for a container that started at {@code startedAt}, {@code starting}. */
    public HealthTracker(HealthCheck check, Instant startedAt) {
        this(check, startedAt, STARTING);
    }

    /**
     * A tracker that starts from {@code initial} (an adopted container keeps the health it had, so
     * that it does not leave the endpoints until its next check).
     */
    public HealthTracker(HealthCheck check, Instant startedAt, String initial) {
        Duration startPeriod = check.startPeriod().isNegative() ? Duration.ZERO : check.startPeriod();
        this.startPeriodEnd = startedAt.plus(startPeriod);
        // Docker reads zero retries as "the default"
        this.retries = check.retries() <= 0 ? HealthCheck.DEFAULT_RETRIES : check.retries();
        this.health = HEALTHY.equals(initial) ? HEALTHY : STARTING;
    }

    /** The health now. */
    public String health() {
        return health;
    }

    /** The failures in a row that counted. */
    public int failingStreak() {
        return failures;
    }

    /**
     * Takes one check's result.
     *
     * @param success whether the check passed (a timeout is a failure)
     * @param at when the check ended
     * @return the new health when it changed, else empty
     */
    public Optional<String> record(boolean success, Instant at) {
        String before = health;
        if (success) {
            failures = 0;
            health = HEALTHY;
        } else if (STARTING.equals(health) && at.isBefore(startPeriodEnd)) {
            // still in the start period: a slow starter is not punished (Docker's --start-period)
            return Optional.empty();
        } else {
            failures++;
            if (failures >= retries) {
                health = UNHEALTHY;
            }
        }
        return health.equals(before) ? Optional.empty() : Optional.of(health);
    }
}
