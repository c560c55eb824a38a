package dev.berth.manager.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM text of certificates and keys, as etcd, the wire and Vert.x's TLS options hold them. Private
 * keys are written as PKCS#8 ({@code BEGIN PRIVATE KEY}), the form every TLS stack reads.
 */
public final class Pem {

    private Pem() {
    }

    /** {@code -----BEGIN CERTIFICATE-----...}. */
    public static String certificate(X509Certificate cert) {
        return write(cert);
    }

    /** {@code -----BEGIN PRIVATE KEY-----...} (PKCS#8, unencrypted). */
    public static String privateKey(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("cannot encode a private key: " + e.getMessage(), e);
        }
    }

    /** {@code -----BEGIN PUBLIC KEY-----...} (SubjectPublicKeyInfo). */
    public static String publicKey(PublicKey key) {
        return write(key);
    }

    /**
     * The certificate in {@code pem}.
     *
     * @throws IllegalArgumentException when the text holds no certificate
     */
    public static X509Certificate readCertificate(String pem) {
        Object o = read(pem, "certificate");
        if (!(o instanceof X509CertificateHolder holder)) {
            throw new IllegalArgumentException("expected a PEM certificate, got " + describe(o));
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("unreadable certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The private key in {@code pem} (PKCS#8, or an OpenSSL key pair).
     *
     * @throws IllegalArgumentException when the text holds no private key
     */
    public static PrivateKey readPrivateKey(String pem) {
        Object o = read(pem, "private key");
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("expected a PEM private key, got " + describe(o));
    }

    /**
     * The public key in {@code pem} (SubjectPublicKeyInfo).
     *
     * @throws IllegalArgumentException when the text holds no public key
     */
    public static PublicKey readPublicKey(String pem) {
        Object o = read(pem, "public key");
        if (!(o instanceof SubjectPublicKeyInfo info)) {
            throw new IllegalArgumentException("expected a PEM public key (BEGIN PUBLIC KEY), got " + describe(o));
        }
        try {
            return new JcaPEMKeyConverter().getPublicKey(info);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("unreadable public key: " + e.getMessage(), e);
        }
    }

    private static Object read(String pem, String what) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("expected a PEM " + what + ", got nothing");
        }
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            if (o == null) {
                throw new IllegalArgumentException("expected a PEM " + what + ", got text without a PEM block");
            }
            return o;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("malformed PEM " + what + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Object o) {
        return o.getClass().getSimpleName();
    }

    private static String write(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
