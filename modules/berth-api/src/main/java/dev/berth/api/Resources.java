package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A task's resources: what the scheduler reserves for it on a node, and the limits its
 * container runs under.
 *
 * @param reservations reserved on the node; the scheduler never over-commits them
 * @param limits enforced by the container engine
 */
public record Resources(
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = ResourceList.OmitEmpty.class)
        ResourceList reservations,
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = ResourceList.OmitEmpty.class)
        ResourceList limits) {

    public static final Resources NONE = new Resources(ResourceList.NONE, ResourceList.NONE);

    public Resources {
        reservations = reservations == null ? ResourceList.NONE : reservations;
        limits = limits == null ? ResourceList.NONE : limits;
    }

    /** Whether no resources are reserved or limited. */
    public boolean isEmpty() {
        return reservations.isEmpty() && limits.isEmpty();
    }

    /** Jackson's inclusion filter that leaves empty Resources out of the output. */
    public static final class OmitEmpty {
        @Override
        public boolean equals(Object other) {
            return other instanceof Resources r && r.isEmpty();
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
