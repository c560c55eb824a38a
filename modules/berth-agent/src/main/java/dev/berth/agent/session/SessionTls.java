package dev.berth.agent.session;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The TLS material of a session to a manager's cluster port: the node's certificate and private
 * key (PEM files; the key never leaves the node) and the cluster CA, the only issuer the agent
 * trusts for the manager's certificate.
 *
 * @param certificate the node certificate ({@code node.crt})
 * @param key the node's private key ({@code node.key}, PKCS#8)
 * @param ca the cluster CA certificate ({@code ca.crt})
 */
public record SessionTls(Path certificate, Path key, Path ca) {

    /** The directory, under a state directory, that {@code berth join} writes. */
    public static final String DIR = "tls";
    public static final String CERT_FILE = "node.crt";
    public static final String KEY_FILE = "node.key";
    public static final String CA_FILE = "ca.crt";

    public SessionTls {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(ca, "ca");
    }

    /** {@code <stateDir>/tls/{node.crt,node.key,ca.crt}}. */
    public static SessionTls inStateDir(Path stateDir) {
        Path dir = stateDir.resolve(DIR);
        return new SessionTls(dir.resolve(CERT_FILE), dir.resolve(KEY_FILE), dir.resolve(CA_FILE));
    }
}
