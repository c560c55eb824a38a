package dev.berth.manager.api;

import dev.berth.api.PortClaims;
import dev.berth.api.Service;
import java.util.Collection;
import java.util.Optional;

/**
 * {@link PortClaims}' rule as the API answers it: Swarm refuses a second service publishing a
 * port; so does the API, with a 409 before anything is written.
 */
public final class PublishedPorts {

    private PublishedPorts() {
    }

    /**
     * The first port {@code candidate} publishes that another service of {@code services} already
     * publishes ({@link PortClaims#firstClash}), as a 409 naming the field and the other service;
     * empty when there is none.
     */
    public static Optional<ApiError> conflict(Service candidate, Collection<Service> services) {
        return PortClaims.firstClash(candidate, services)
                .map(c -> ApiError.conflict(c.field(), c.field() + ": " + c.describe()));
    }
}
