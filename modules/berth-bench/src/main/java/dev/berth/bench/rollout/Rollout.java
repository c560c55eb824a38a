package dev.berth.bench.rollout;

import java.time.Duration;

/**
 * A system that runs N replicas of an image and rolls them to another on the benchmark's Docker
 * engine: the engine bound, Docker Swarm or Berth. Each implementation removes what it made.
 */
public interface Rollout {

    /** The name in the table: {@code engine}, {@code swarm}, {@code berth}. */
    String name();

    /**
     * Runs the plan's replicas of its old image under {@code name}, waits until all run, then rolls
     * them to the new image and waits until the rollout is complete; throws when {@code timeout}
     * passes first in either phase, or when the system gives up (a paused rollout).
     */
    RolloutTiming run(String name, RolloutPlan plan, Duration timeout) throws Exception;

    /** Removes what {@link #run} made under {@code name} and waits until its containers are gone. */
    void remove(String name, Duration timeout) throws Exception;
}
