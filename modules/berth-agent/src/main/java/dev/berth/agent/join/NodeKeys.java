package dev.berth.agent.join;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * The node's key pair (EC P-256, made on the node) and the PEM forms the join needs: the public
 * key as SubjectPublicKeyInfo for the request, the private key as PKCS#8 for {@code node.key}.
 * JDK only: the agent does not need Bouncy Castle for this.
 */
public final class NodeKeys {

    private static final Base64.Encoder PEM_BASE64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private NodeKeys() {
    }

    /** A new EC P-256 key pair. */
    public static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 keys are part of every Java runtime", e);
        }
    }

    /** {@code -----BEGIN PUBLIC KEY-----} (SubjectPublicKeyInfo). */
    public static String publicKeyPem(KeyPair pair) {
        return pem("PUBLIC KEY", pair.getPublic().getEncoded());
    }

    /** {@code -----BEGIN PRIVATE KEY-----} (PKCS#8, unencrypted). */
    public static String privateKeyPem(KeyPair pair) {
        return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    /**
     * The first certificate in {@code pem}.
     *
     * @throws IllegalArgumentException when there is none
     */
    public static X509Certificate certificate(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + PEM_BASE64.encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
