package dev.berth.api;

/**
 * A task's resources: what the scheduler reserves for it on a node, and the limits its
 * container runs under.
 *
 * @param reservations reserved on the node; the scheduler never over-commits them
 * @param limits enforced by the container engine
 */
public record Resources(ResourceList reservations, ResourceList limits) {

    public static final Resources NONE = new Resources(ResourceList.NONE, ResourceList.NONE);

    public Resources {
        reservations = reservations == null ? ResourceList.NONE : reservations;
        limits = limits == null ? ResourceList.NONE : limits;
    }
}
