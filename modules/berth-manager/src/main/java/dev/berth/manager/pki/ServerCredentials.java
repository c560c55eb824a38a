package dev.berth.manager.pki;

/**
 * A manager's TLS identity for its cluster port, as PEM text ready for Vert.x's
 * {@code PemKeyCertOptions} and {@code PemTrustOptions}.
 *
 * @param certificate the server certificate
 * @param key its private key (PKCS#8)
 * @param caCertificate the cluster CA, which client certificates must chain to
 */
public record ServerCredentials(String certificate, String key, String caCertificate) {

    @Override
    public String toString() {
        return "ServerCredentials[key hidden]";
    }
}
