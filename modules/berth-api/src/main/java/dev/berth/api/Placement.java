package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Where a service's tasks may run.
 *
 * @param constraints hard rules such as {@code node.labels.zone == a} or
 *     {@code node.role != manager}; all must hold
 * @param maxReplicasPerNode at most this many of the service's tasks on one node; 0 = no limit
 * @param preferences soft rules, applied in order
 */
public record Placement(List<String> constraints,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int maxReplicasPerNode,
        List<PlacementPreference> preferences) {

    public static final Placement NONE = new Placement(List.of(), 0, List.of());

    public Placement {
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
        preferences = preferences == null ? List.of() : List.copyOf(preferences);
    }
}
