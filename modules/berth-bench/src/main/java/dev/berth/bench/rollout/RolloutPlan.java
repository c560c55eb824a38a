package dev.berth.bench.rollout;

import java.time.Duration;

/**
 * What every system is asked to do in one run: run {@code replicas} replicas of {@code oldImage},
 * then replace them by {@code newImage}, {@code parallelism} at a time with no delay between
 * batches, stop-first, each new task counting as a success after {@code monitor}.
 *
 * @param replicas the number of replicas
 * @param parallelism replicas replaced at once (0 = all at once, as in Swarm)
 * @param monitor how long Swarm and Berth watch a new task before counting it a success; the
 *     engine bound has no such wait
 * @param oldImage the image the replicas run first
 * @param newImage the image they are rolled to; its id must differ from {@code oldImage}'s, or
 *     Swarm (which is given ids) would see no change
 * @param init whether each container runs an init process as PID 1 ({@code --init}), so that
 *     SIGTERM reaches the workload and it exits at once
 */
public record RolloutPlan(int replicas, int parallelism, Duration monitor, String oldImage, String newImage,
        boolean init) {

    public RolloutPlan {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1, not " + replicas);
        }
        if (parallelism < 0) {
            throw new IllegalArgumentException("parallelism must be 0 (all at once) or more, not " + parallelism);
        }
        if (monitor.isNegative()) {
            throw new IllegalArgumentException("monitor must not be negative: " + monitor);
        }
    }

    /** Replicas replaced per batch: {@code parallelism}, or all of them when it is 0. */
    public int batchSize() {
        return parallelism == 0 ? replicas : Math.min(parallelism, replicas);
    }

    /** The number of batches a rollout of all replicas takes. */
    public int batches() {
        return (replicas + batchSize() - 1) / batchSize();
    }
}
