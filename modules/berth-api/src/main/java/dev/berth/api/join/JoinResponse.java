package dev.berth.api.join;

import java.util.List;

/**
 * The answer to a join: the new node's id and certificate, the CA to trust from now on, and where
 * the managers' cluster ports are.
 *
 * @param nodeId the node's id (also its certificate's CN)
 * @param certificate the node's certificate, PEM (CN = node id, O = cluster id, OU = role)
 * @param caCertificate the cluster CA's certificate, PEM
 * @param managers the managers' cluster addresses, {@code host:port}
 */
public record JoinResponse(String nodeId, String certificate, String caCertificate, List<String> managers) {

    public JoinResponse {
        nodeId = nodeId == null ? "" : nodeId;
        certificate = certificate == null ? "" : certificate;
        caCertificate = caCertificate == null ? "" : caCertificate;
        managers = managers == null ? List.of() : List.copyOf(managers);
    }
}
