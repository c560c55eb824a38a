package dev.berth.api;

/**
 * What the service controller last observed of a service.
 *
 * @param replicas the number of tasks the service should have (for global services: one per
 *     eligible node)
 * @param running tasks whose agent reports them running
 * @param observedGeneration the {@code metadata.generation} this status was computed for
 */
public record ServiceStatus(int replicas, int running, long observedGeneration) {

    public static final ServiceStatus EMPTY = new ServiceStatus(0, 0, 0);
}
