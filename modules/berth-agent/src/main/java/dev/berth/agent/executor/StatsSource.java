package dev.berth.agent.executor;

/**
 * The optional power to read a container's resource use (an executor implements it when it
 * can; check with {@code instanceof}). No implementation yet: metrics come with a later issue.
 */
public interface StatsSource {

    /** The container's current use. */
    Stats stats(String containerId) throws ExecutorException;

    /**
     * A container's resource use at one moment.
     *
     * @param cpuNanos CPU time used since it started, in nanoseconds
     * @param memoryBytes memory in use
     */
    record Stats(long cpuNanos, long memoryBytes) {
    }
}
