package dev.berth.manager.pki;

import dev.berth.api.NodeRole;
import dev.berth.api.join.JoinToken;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's certificate authority: an EC P-256 key and a self-signed certificate (CN
 * {@code berth-ca <clusterId>}, ten years), which signs the managers' server certificates and the
 * nodes' client certificates. Immutable; {@link #create} makes a new one, {@link #fromPem} reads
 * the one kept in etcd.
 *
 * <p>A node certificate says who the node is: CN = node id, O = cluster id, OU = role
 * ({@code worker} or {@code manager}). {@link #verifyNode} checks one and reads that back.
 */
public final class ClusterCa {

    /** How long the CA is valid. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** How long issued certificates are valid. */
    public static final Duration CERT_VALIDITY = Duration.ofDays(365);
    /** A DNS name every manager's server certificate carries, whatever address it is reached at. */
    public static final String MANAGER_DNS_NAME = "berth-manager";

    private static final String SIGNATURE = "SHA256withECDSA";
    // certificates start a little in the past: clocks of two servers are never exactly equal
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final String fingerprint;

    private ClusterCa(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
        this.fingerprint = fingerprintOf(certificate);
    }

    /** A new CA for cluster {@code clusterId}, valid for ten years from now. */
    public static ClusterCa create(String clusterId, Clock clock) {
        KeyPair pair = newKeyPair();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "berth-ca " + clusterId).build();
        Instant now = clock.instant();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new ClusterCa(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create the cluster CA: " + e.getMessage(), e);
        }
    }

    /**
     * The CA kept as PEM text.
     *
     * @throws IllegalArgumentException when the texts are not a certificate and its private key
     */
    public static ClusterCa fromPem(String certificatePem, String keyPem) {
        X509Certificate cert = Pem.readCertificate(certificatePem);
        PrivateKey key = Pem.readPrivateKey(keyPem);
        ClusterCa ca = new ClusterCa(cert, key);
        try {
            cert.verify(cert.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the stored CA certificate is not self-signed: " + e.getMessage(), e);
        }
        return ca;
    }

    /** A new EC P-256 key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 keys are part of every Java runtime", e);
        }
    }

    /** The CA certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate as PEM. */
    public String certificatePem() {
        return Pem.certificate(certificate);
    }

    /** The CA's private key as PEM (only for the store). */
    public String keyPem() {
        return Pem.privateKey(key);
    }

    /** The lowercase hex SHA-256 of the CA certificate's DER: what join tokens carry. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The lowercase hex SHA-256 of {@code cert}'s DER encoding. */
    public static String fingerprintOf(X509Certificate cert) {
        try {
            return JoinToken.fingerprint(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A manager's TLS server certificate for {@code publicKey}, valid one year: CN = the node id,
     * OU = manager, and a subject alternative name for each of {@code names} (IP addresses as IP
     * names, others as DNS names) plus {@link #MANAGER_DNS_NAME}.
     */
    public X509Certificate issueServer(String nodeId, String clusterId, PublicKey publicKey, List<String> names,
            Clock clock) {
        Set<String> all = new LinkedHashSet<>();
        for (String n : names) {
            if (n != null && !n.isBlank()) {
                all.add(n.strip());
            }
        }
        all.add(MANAGER_DNS_NAME);
        List<GeneralName> sans = new ArrayList<>();
        for (String n : all) {
            sans.add(IP_LITERAL.matcher(n).matches() && isIp(n)
                    ? new GeneralName(GeneralName.iPAddress, stripBrackets(n))
                    : new GeneralName(GeneralName.dNSName, n));
        }
        return issue(subject(nodeId, clusterId, NodeRole.MANAGER), publicKey, clock,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}),
                Optional.of(new GeneralNames(sans.toArray(new GeneralName[0]))));
    }

    /** A node's TLS client certificate, valid one year: CN = node id, O = cluster id, OU = role. */
    public X509Certificate issueNode(String nodeId, String clusterId, NodeRole role, PublicKey publicKey, Clock clock) {
        return issue(subject(nodeId, clusterId, role), publicKey, clock,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth), Optional.empty());
    }

    /**
     * Checks that {@code cert} was issued by this CA and is valid at {@code now}, and reads who it
     * names.
     *
     * @return the node it names, or empty when it is not a valid certificate of this CA
     */
    public Optional<NodeIdentity> verifyNode(X509Certificate cert, Instant now) {
        try {
            if (!cert.getIssuerX500Principal().equals(certificate.getSubjectX500Principal())) {
                return Optional.empty();
            }
            cert.verify(certificate.getPublicKey());
            cert.checkValidity(Date.from(now));
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
        return NodeIdentity.of(cert.getSubjectX500Principal());
    }

    private X509Certificate issue(X500Name subject, PublicKey publicKey, Clock clock, ExtendedKeyUsage usage,
            Optional<GeneralNames> sans) {
        Instant now = clock.instant();
        Instant notAfter = now.plus(CERT_VALIDITY);
        Instant caNotAfter = certificate.getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, usage)
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
            if (sans.isPresent()) {
                b.addExtension(Extension.subjectAlternativeName, false, sans.get());
            }
            return sign(b, key);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
        }
    }

    private static X500Name subject(String nodeId, String clusterId, NodeRole role) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, clusterId)
                .addRDN(BCStyle.OU, role.value())
                .addRDN(BCStyle.CN, nodeId)
                .build();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            ContentSigner s = new JcaContentSignerBuilder(SIGNATURE).build(signer);
            return new JcaX509CertificateConverter().getCertificate(builder.build(s));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        // positive, 127 random bits: unique without a counter shared between managers
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static boolean isIp(String n) {
        String s = stripBrackets(n);
        if (!s.contains(":") && !s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return false;
        }
        try {
            // a literal: no name lookup happens
            InetAddress.getByName(s);
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String stripBrackets(String n) {
        return n.startsWith("[") && n.endsWith("]") ? n.substring(1, n.length() - 1) : n;
    }

    /** The value of the first {@code attribute} (e.g. CN) of {@code principal}, if any. */
    static Optional<String> attribute(X500Principal principal, org.bouncycastle.asn1.ASN1ObjectIdentifier attribute) {
        X500Name name = X500Name.getInstance(principal.getEncoded());
        var rdns = name.getRDNs(attribute);
        if (rdns.length == 0 || rdns[0].getFirst() == null) {
            return Optional.empty();
        }
        return Optional.of(IETFUtils.valueToString(rdns[0].getFirst().getValue()));
    }
}
