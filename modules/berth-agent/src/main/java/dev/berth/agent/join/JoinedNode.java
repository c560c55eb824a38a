package dev.berth.agent.join;

import java.util.List;
import java.util.Objects;

/**
 * What a join gave a server: its node id, its key and certificate, the cluster CA, and where the
 * managers' cluster ports are.
 *
 * @param nodeId the node id (the certificate's CN)
 * @param keyPem the node's private key, PEM (PKCS#8)
 * @param certificatePem the node certificate, PEM
 * @param caPem the cluster CA certificate, PEM
 * @param managers the managers' cluster addresses, {@code host:port}
 */
public record JoinedNode(String nodeId, String keyPem, String certificatePem, String caPem, List<String> managers) {

    public JoinedNode {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(keyPem, "keyPem");
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(caPem, "caPem");
        managers = List.copyOf(managers);
    }

    @Override
    public String toString() {
        return "JoinedNode[" + nodeId + ", managers " + managers + "]";
    }
}
