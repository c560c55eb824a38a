package dev.berth.cli.client;

import java.util.List;

/**
 * What {@code GET /api/v1/join-tokens} answers.
 *
 * @param worker the worker join token
 * @param manager the manager join token
 * @param managerAddresses the managers' cluster addresses ({@code host:port}) to join at
 */
public record JoinTokensInfo(String worker, String manager, List<String> managerAddresses) {

    public JoinTokensInfo {
        worker = worker == null ? "" : worker;
        manager = manager == null ? "" : manager;
        managerAddresses = managerAddresses == null ? List.of() : List.copyOf(managerAddresses);
    }

    /** The token of {@code role} ({@code worker} or {@code manager}). */
    public String token(String role) {
        return "manager".equals(role) ? manager : worker;
    }
}
