package dev.berth.bench.rollout;

/**
 * One measured rolling update, in seconds from just before the update was asked for (for the
 * engine bound: just before the first stop).
 *
 * @param deployed seconds the replicas of the old image took to all run, before the update (for
 *     information: the start-up benchmark measures that)
 * @param allUpdated when every replica was first seen running the new image
 * @param completed when the system reported the rollout complete (for the engine: the same as
 *     {@code allUpdated}, it has nothing more to wait for)
 */
public record RolloutTiming(double deployed, double allUpdated, double completed) {
}
