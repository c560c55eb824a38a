package dev.berth.api;

import java.time.Duration;

/**
 * How a rolling update (or a rollback) replaces tasks. Swarm's defaults: parallelism 1,
 * delay 0s, failure action pause, monitor 5s, max failure ratio 0, stop-first.
 *
 * @param parallelism tasks replaced at once; 0 = all at once
 * @param delay wait between batches
 * @param failureAction what to do when more than {@code maxFailureRatio} of new tasks fail
 * @param monitor how long a new task must keep running to count as a success
 * @param maxFailureRatio the share of new tasks allowed to fail, 0..1
 * @param order stop-first or start-first
 */
public record UpdateConfig(Integer parallelism, Duration delay, FailureAction failureAction,
        Duration monitor, Double maxFailureRatio, UpdateOrder order) {

    public static final UpdateConfig DEFAULT = new UpdateConfig(null, null, null, null, null, null);

    public UpdateConfig {
        parallelism = parallelism == null ? 1 : parallelism;
        delay = delay == null ? Duration.ZERO : delay;
        failureAction = failureAction == null ? FailureAction.PAUSE : failureAction;
        monitor = monitor == null ? Duration.ofSeconds(5) : monitor;
        maxFailureRatio = maxFailureRatio == null ? 0.0 : maxFailureRatio;
        order = order == null ? UpdateOrder.STOP_FIRST : order;
    }
}
