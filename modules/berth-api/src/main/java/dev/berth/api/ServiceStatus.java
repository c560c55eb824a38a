package dev.berth.api;

/**
 * What the controllers last observed of a service.
 *
 * @param replicas the number of tasks the service should have (for global services: one per
 *     eligible node)
 * @param running tasks whose agent reports them running (and, with a health check, healthy)
 * @param updated running (and healthy) tasks whose template is the service's current one: a
 *     rollout has made progress {@code updated}/{@code replicas}
 * @param observedGeneration the {@code metadata.generation} this status was computed for
 * @param revision the number of the service's current revision ({@link ServiceRevision}), set by
 *     the API server with every change of the task template; 0 for a service stored before
 *     revisions existed
 * @param update the latest rollout's state, written by the rollout controller
 */
public record ServiceStatus(int replicas, int running, int updated, long observedGeneration, long revision,
        UpdateStatus update) {

    public static final ServiceStatus EMPTY = new ServiceStatus(0, 0, 0, 0, 0, UpdateStatus.NONE);

    public ServiceStatus {
        update = update == null ? UpdateStatus.NONE : update;
    }

    /** A status with only the counts, no revision and no rollout. */
    public ServiceStatus(int replicas, int running, long observedGeneration) {
        this(replicas, running, 0, observedGeneration, 0, UpdateStatus.NONE);
    }

    /** This status with other counts, the revision and rollout kept. */
    public ServiceStatus withCounts(int newReplicas, int newRunning, int newUpdated, long newObservedGeneration) {
        return new ServiceStatus(newReplicas, newRunning, newUpdated, newObservedGeneration, revision, update);
    }

    /** This status at another revision. */
    public ServiceStatus withRevision(long newRevision) {
        return new ServiceStatus(replicas, running, updated, observedGeneration, newRevision, update);
    }

    /** This status with another rollout state. */
    public ServiceStatus withUpdate(UpdateStatus newUpdate) {
        return new ServiceStatus(replicas, running, updated, observedGeneration, revision, newUpdate);
    }
}
