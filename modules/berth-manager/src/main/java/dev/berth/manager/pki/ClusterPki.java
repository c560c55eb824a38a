package dev.berth.manager.pki;

import dev.berth.api.NodeRole;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A manager's view of the cluster's PKI: the CA loaded from etcd (created on the cluster's first
 * start), the join tokens built from it and the join secrets, and the certificates it issues.
 *
 * <pre>{@code
 * ClusterPki pki = ClusterPki.open(new PkiStore(store), clusterId, clock, () -> List.of("10.0.0.1:4242"));
 * pki.tokens().worker();                        // BTHTKN-1-<fingerprint>-<secret>
 * pki.serverCredentials(nodeId, names);         // for the cluster port's TLS
 * }</pre>
 */
public final class ClusterPki {

    private final PkiStore store;
    private final ClusterCa ca;
    private final String clusterId;
    private final Clock clock;
    private final Supplier<List<String>> managerAddresses;

    private ClusterPki(PkiStore store, ClusterCa ca, String clusterId, Clock clock,
            Supplier<List<String>> managerAddresses) {
        this.store = store;
        this.ca = ca;
        this.clusterId = clusterId;
        this.clock = clock;
        this.managerAddresses = managerAddresses;
    }

    /**
     * Loads the CA and the join secrets, creating them if this is the cluster's first start.
     *
     * @param managerAddresses the managers' cluster addresses, asked whenever tokens are shown
     */
    public static ClusterPki open(PkiStore store, String clusterId, Clock clock,
            Supplier<List<String>> managerAddresses) {
        ClusterCa ca = store.loadOrCreateCa(clusterId, clock);
        store.loadOrCreateSecrets();
        return new ClusterPki(store, ca, clusterId, clock, managerAddresses);
    }

    /** The CA. */
    public ClusterCa ca() {
        return ca;
    }

    /** The cluster's id (O of every node certificate). */
    public String clusterId() {
        return clusterId;
    }

    /** The managers' cluster addresses ({@code host:port}). */
    public List<String> managerAddresses() {
        return List.copyOf(managerAddresses.get());
    }

    /** The current join tokens (read from etcd, so a rotation elsewhere shows at once). */
    public JoinTokens tokens() {
        JoinSecrets secrets = store.secrets();
        return new JoinTokens(secrets.token(ca.fingerprint(), NodeRole.WORKER).toString(),
                secrets.token(ca.fingerprint(), NodeRole.MANAGER).toString(), managerAddresses());
    }

    /** Replaces {@code role}'s secret: its old token stops working at once. Returns the tokens after. */
    public JoinTokens rotate(NodeRole role) {
        JoinSecrets secrets = store.rotate(role);
        return new JoinTokens(secrets.token(ca.fingerprint(), NodeRole.WORKER).toString(),
                secrets.token(ca.fingerprint(), NodeRole.MANAGER).toString(), managerAddresses());
    }

    /** The join secrets as stored now. */
    public JoinSecrets secrets() {
        return store.secrets();
    }

    /**
     * A new key pair and a server certificate for it (one year), for the manager {@code nodeId}
     * reached at {@code names} (addresses and host names).
     */
    public ServerCredentials serverCredentials(String nodeId, List<String> names) {
        KeyPair pair = ClusterCa.newKeyPair();
        X509Certificate cert = ca.issueServer(nodeId, clusterId, pair.getPublic(), names, clock);
        return new ServerCredentials(Pem.certificate(cert), Pem.privateKey(pair.getPrivate()), ca.certificatePem());
    }

    /** A node certificate (one year) for {@code publicKey}: CN = node id, O = cluster id, OU = role. */
    public X509Certificate issueNode(String nodeId, NodeRole role, PublicKey publicKey) {
        return ca.issueNode(nodeId, clusterId, role, publicKey, clock);
    }

    /** Who {@code cert} names, if this CA issued it and it is valid now. */
    public Optional<NodeIdentity> verify(X509Certificate cert) {
        return ca.verifyNode(cert, clock.instant()).filter(id -> id.clusterId().equals(clusterId));
    }
}
