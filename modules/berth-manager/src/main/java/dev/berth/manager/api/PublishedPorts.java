package dev.berth.manager.api;

import dev.berth.api.PortConfig;
import dev.berth.api.Service;
import java.util.Collection;
import java.util.Optional;

/**
 * The rule that a published port belongs to one service (pure): the routing mesh answers a
 * published port on every node and forwards it to one service's tasks, and a host-mode port binds
 * the node's port, so two services publishing the same number and protocol cannot both work.
 * Swarm refuses the second one; so does the API, before anything is written.
 */
public final class PublishedPorts {

    private PublishedPorts() {
    }

    /**
     * The first port {@code candidate} publishes that another service of {@code services} already
     * publishes (same number and protocol, any publish mode), as a 409 naming the field and the
     * other service; empty when there is none. A service of {@code services} with the candidate's
     * name is the candidate's stored self and is skipped, so an update keeps its own ports.
     */
    public static Optional<ApiError> conflict(Service candidate, Collection<Service> services) {
        for (int i = 0; i < candidate.spec().ports().size(); i++) {
            PortConfig port = candidate.spec().ports().get(i);
            if (port.published() <= 0) {
                continue;
            }
            for (Service other : services) {
                if (other.name().equals(candidate.name())) {
                    continue;
                }
                boolean taken = other.spec().ports().stream().anyMatch(p -> p.published() == port.published()
                        && p.protocol() == port.protocol());
                if (taken) {
                    String field = "spec.ports[" + i + "].published";
                    return Optional.of(ApiError.conflict(field, field + ": port " + port.published() + "/"
                            + port.protocol().value() + " is already published by service \"" + other.name()
                            + "\""));
                }
            }
        }
        return Optional.empty();
    }
}
