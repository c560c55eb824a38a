package dev.berth.api;

import java.time.Duration;

/**
 * When and how often a stopped task is replaced in its slot. Swarm's defaults: condition any,
 * delay 5s, no attempt limit, window 0s.
 *
 * @param condition any, on-failure or none
 * @param delay wait this long before starting the replacement
 * @param maxAttempts give up after this many restarts within {@code window}; 0 = never give up
 * @param window the time over which restarts are counted; 0s = unbounded
 */
public record RestartPolicy(RestartCondition condition, Duration delay, Integer maxAttempts,
        Duration window) {

    public static final RestartPolicy DEFAULT = new RestartPolicy(null, null, null, null);

    public RestartPolicy {
        condition = condition == null ? RestartCondition.ANY : condition;
        delay = delay == null ? Duration.ofSeconds(5) : delay;
        maxAttempts = maxAttempts == null ? 0 : maxAttempts;
        window = window == null ? Duration.ZERO : window;
    }
}
