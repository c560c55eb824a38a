package dev.berth.api;

import java.util.Collection;
import java.util.Optional;

/**
 * The rule that a published port belongs to one service (pure): the routing mesh answers a
 * published port on every node and forwards it to one service's tasks, and a host-mode port binds
 * the node's port, so two services publishing the same number and protocol cannot both work. The
 * API server refuses such a write; the rollout controller refuses such an automatic rollback.
 */
public final class PortClaims {

    private PortClaims() {
    }

    /**
     * A port of a candidate service that another service already publishes.
     *
     * @param index the port's index in the candidate's {@code spec.ports}
     * @param port the port
     * @param otherService the service that publishes it
     */
    public record Clash(int index, PortConfig port, String otherService) {

        /** {@code spec.ports[0].published}. */
        public String field() {
            return "spec.ports[" + index + "].published";
        }

        /** {@code port 4567/tcp is already published by service "whoami"}. */
        public String describe() {
            return "port " + port.published() + "/" + port.protocol().value()
                    + " is already published by service \"" + otherService + "\"";
        }
    }

    /**
     * The first port {@code candidate} publishes that another service of {@code services} already
     * publishes (same number and protocol, any publish mode); empty when there is none. A service of
     * {@code services} with the candidate's name is the candidate's stored self and is skipped, so
     * an update keeps its own ports.
     */
    public static Optional<Clash> firstClash(Service candidate, Collection<Service> services) {
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
                    return Optional.of(new Clash(i, port, other.name()));
                }
            }
        }
        return Optional.empty();
    }
}
