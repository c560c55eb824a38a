package dev.berth.manager.pki;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.NodeRole;
import dev.berth.api.codec.Codec;
import dev.berth.api.join.JoinRequest;
import dev.berth.api.join.JoinResponse;
import dev.berth.api.join.JoinToken;
import dev.berth.manager.api.ApiError;
import dev.berth.manager.api.ApiException;
import dev.berth.manager.api.ApiOperations;
import dev.berth.manager.api.NodeRegistration;
import dev.berth.manager.dispatcher.LivenessRules;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What {@code POST /api/v1/join} does: checks the token (CA fingerprint and secret, in constant
 * time), registers the new node and signs its public key. Every refusal happens before anything
 * is written. Blocks (the store does).
 */
public final class JoinService {

    /** The message of every refused token: it must not tell a guesser which part was wrong. */
    public static final String INVALID_TOKEN = "invalid join token: ask a manager for the current one with"
            + " `berth join-token worker`";
    /** The message for a manager token. */
    public static final String MANAGER_JOIN_UNSUPPORTED = "joining as a manager is not supported yet: a cluster has"
            + " one manager until etcd membership lands; join as a worker with the token of `berth join-token worker`";

    private static final Logger LOG = LogManager.getLogger(JoinService.class);
    private static final int MIN_RSA_BITS = 2048;

    private final ClusterPki pki;
    private final ApiOperations operations;

    public JoinService(ClusterPki pki, ApiOperations operations) {
        this.pki = pki;
        this.operations = operations;
    }

    /**
     * Joins a node: {@code body} is a {@link JoinRequest} in JSON.
     *
     * @throws ApiException 400 (bad body, manager token, bad key), 401 (invalid token)
     */
    public JoinResponse join(String body) {
        JoinRequest request = decode(body);
        NodeRole role = authorize(request.token());
        if (role == NodeRole.MANAGER) {
            throw new ApiException(ApiError.badRequest("token", MANAGER_JOIN_UNSUPPORTED));
        }
        PublicKey key = publicKey(request.publicKey());
        if (request.hostname().isBlank()) {
            throw new ApiException(ApiError.invalid("hostname", "hostname: must not be empty"));
        }
        NodeRegistration registration = new NodeRegistration("", request.hostname(), request.advertiseAddress(),
                role, request.cpus(), request.memory(), request.engineVersion(), request.labels());
        // Registered as kept by a session: if the node's agent never connects, the leader marks it
        // down after the liveness grace instead of leaving a ready node nobody runs.
        ApiOperations.Registered registered = operations.register(registration, LivenessRules.SESSION_OPEN);
        String nodeId = registered.node().name();
        X509Certificate cert = pki.issueNode(nodeId, role, key);
        LOG.info("node {} ({}, {}) joined the cluster as a {}", nodeId, request.hostname(),
                request.advertiseAddress(), role.value());
        return new JoinResponse(nodeId, Pem.certificate(cert), pki.ca().certificatePem(), pki.managerAddresses());
    }

    /**
     * The role {@code token} admits to this cluster.
     *
     * @throws ApiException 401 when it is malformed, of another cluster, or its secret is not current
     */
    public NodeRole authorize(String token) {
        JoinToken parsed;
        try {
            parsed = JoinToken.parse(token);
        } catch (IllegalArgumentException e) {
            throw unauthorized();
        }
        boolean sameCa = JoinToken.constantTimeEquals(parsed.caFingerprint(), pki.ca().fingerprint());
        Optional<NodeRole> role = pki.secrets().roleOf(parsed.secret());
        if (!sameCa || role.isEmpty()) {
            LOG.info("refused a join: {}", sameCa ? "the secret is not current" : "a token of another cluster's CA");
            throw unauthorized();
        }
        return role.get();
    }

    private static ApiException unauthorized() {
        return new ApiException(new ApiError(401, "Unauthorized", INVALID_TOKEN, "token"));
    }

    private static JoinRequest decode(String body) {
        List<JsonNode> documents = Codec.readDocuments(body == null ? "" : body);
        if (documents.size() != 1 || !documents.get(0).isObject()) {
            throw new ApiException(ApiError.badRequest("", "expected one JSON object: {token, hostname,"
                    + " advertiseAddress, publicKey, labels, cpus, memory, engineVersion}"));
        }
        return Codec.bind(documents.get(0), JoinRequest.class);
    }

    private static PublicKey publicKey(String pem) {
        PublicKey key;
        try {
            key = Pem.readPublicKey(pem);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ApiError.badRequest("publicKey", "publicKey: " + e.getMessage()));
        }
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new ApiException(ApiError.badRequest("publicKey", "publicKey: an RSA key needs at least "
                    + MIN_RSA_BITS + " bits"));
        }
        if (!(key instanceof ECPublicKey) && !(key instanceof RSAPublicKey)) {
            throw new ApiException(ApiError.badRequest("publicKey", "publicKey: expected an EC or RSA key, got "
                    + key.getAlgorithm()));
        }
        return key;
    }
}
