package dev.berth.manager.pki;

import java.util.List;

/**
 * The answer of {@code GET /api/v1/join-tokens}: the current tokens and where to join.
 *
 * @param worker the worker join token
 * @param manager the manager join token
 * @param managerAddresses the managers' cluster addresses ({@code host:port}) to join at
 */
public record JoinTokens(String worker, String manager, List<String> managerAddresses) {

    public JoinTokens {
        managerAddresses = managerAddresses == null ? List.of() : List.copyOf(managerAddresses);
    }
}
