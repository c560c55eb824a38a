package dev.berth.manager.pki;

import dev.berth.api.NodeRole;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Who a verified certificate names.
 *
 * @param nodeId the node id (CN)
 * @param clusterId the cluster id (O)
 * @param role the node's role (OU)
 */
public record NodeIdentity(String nodeId, String clusterId, NodeRole role) {

    /** The identity in a certificate subject; empty when it lacks a CN or a known role. */
    static Optional<NodeIdentity> of(X500Principal subject) {
        Optional<String> cn = ClusterCa.attribute(subject, BCStyle.CN).filter(s -> !s.isBlank());
        Optional<String> o = ClusterCa.attribute(subject, BCStyle.O);
        Optional<String> ou = ClusterCa.attribute(subject, BCStyle.OU);
        if (cn.isEmpty()) {
            return Optional.empty();
        }
        NodeRole role;
        if (ou.filter(NodeRole.MANAGER.value()::equals).isPresent()) {
            role = NodeRole.MANAGER;
        } else if (ou.filter(NodeRole.WORKER.value()::equals).isPresent()) {
            role = NodeRole.WORKER;
        } else {
            return Optional.empty();
        }
        return Optional.of(new NodeIdentity(cn.get(), o.orElse(""), role));
    }
}
