package dev.berth.bench.startup;

import java.time.Duration;

/**
 * A system that starts N replicas of an image on the benchmark's Docker engine: the engine bound,
 * Docker Swarm or Berth. One implementation per system; each cleans up what it started.
 */
public interface Contender {

    /** The name in the table: {@code engine}, {@code swarm}, {@code berth}. */
    String name();

    /**
     * Starts {@code replicas} replicas under the name {@code name} and returns once all run (or
     * throws when {@code timeout} passes first).
     */
    Timing start(String name, int replicas, Duration timeout) throws Exception;

    /** Removes what {@link #start} made under {@code name} and waits until its containers are gone. */
    void remove(String name, Duration timeout) throws Exception;
}
