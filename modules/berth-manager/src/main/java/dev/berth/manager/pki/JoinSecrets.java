package dev.berth.manager.pki;

import dev.berth.api.Ids;
import dev.berth.api.NodeRole;
import dev.berth.api.join.JoinToken;
import java.util.Optional;

/**
 * The cluster's join secrets, one per role: the last part of the worker and manager join tokens.
 * Rotating a role's secret makes its old token useless at once.
 *
 * @param worker the worker token's secret
 * @param manager the manager token's secret
 */
public record JoinSecrets(String worker, String manager) {

    public JoinSecrets {
        if (worker == null || worker.isBlank() || manager == null || manager.isBlank()) {
            throw new IllegalArgumentException("join secrets must not be empty");
        }
    }

    /** New random secrets (25 lower-case letters and digits each, from a SecureRandom). */
    public static JoinSecrets random() {
        return new JoinSecrets(Ids.random(), Ids.random());
    }

    /** These secrets with a new one for {@code role}. */
    public JoinSecrets rotated(NodeRole role) {
        return role == NodeRole.MANAGER ? new JoinSecrets(worker, Ids.random()) : new JoinSecrets(Ids.random(), manager);
    }

    /** The secret of {@code role}. */
    public String of(NodeRole role) {
        return role == NodeRole.MANAGER ? manager : worker;
    }

    /**
     * The role whose secret {@code secret} is, if any. Both comparisons always run, each in
     * constant time, so the answer's timing tells nothing about either secret.
     */
    public Optional<NodeRole> roleOf(String secret) {
        boolean isWorker = JoinToken.constantTimeEquals(worker, secret);
        boolean isManager = JoinToken.constantTimeEquals(manager, secret);
        if (isWorker) {
            return Optional.of(NodeRole.WORKER);
        }
        return isManager ? Optional.of(NodeRole.MANAGER) : Optional.empty();
    }

    /** The join token of {@code role} for a CA whose fingerprint is {@code caFingerprint}. */
    public JoinToken token(String caFingerprint, NodeRole role) {
        return new JoinToken(caFingerprint, of(role));
    }

    /** Without the secrets: they must not reach a log. */
    @Override
    public String toString() {
        return "JoinSecrets[…]";
    }
}
