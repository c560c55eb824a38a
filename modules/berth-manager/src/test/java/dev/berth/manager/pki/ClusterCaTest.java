package dev.berth.manager.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.NodeRole;
import dev.berth.api.join.JoinToken;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterCaTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final ClusterCa ca = ClusterCa.create("c1", CLOCK);

    @Test
    void caIsSelfSignedP256ForTenYears() throws Exception {
        X509Certificate cert = ca.certificate();
        cert.verify(cert.getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=berth-ca c1");
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(Duration.between(NOW, cert.getNotAfter().toInstant())).isEqualTo(ClusterCa.CA_VALIDITY);
        assertThat(ca.fingerprint()).hasSize(64).matches("[0-9a-f]+")
                .isEqualTo(JoinToken.fingerprint(cert.getEncoded()));
    }

    @Test
    void pemRoundTripKeepsTheSameCa() {
        ClusterCa again = ClusterCa.fromPem(ca.certificatePem(), ca.keyPem());
        assertThat(again.fingerprint()).isEqualTo(ca.fingerprint());
        // the key read back still signs certificates this CA verifies
        KeyPair keys = ClusterCa.newKeyPair();
        X509Certificate cert = again.issueNode("n1", "c1", NodeRole.WORKER, keys.getPublic(), CLOCK);
        assertThat(ca.verifyNode(cert, NOW)).isPresent();
    }

    @Test
    void nodeCertificateNamesTheNodeClusterAndRole() {
        KeyPair keys = ClusterCa.newKeyPair();
        X509Certificate cert = ca.issueNode("n1", "c1", NodeRole.WORKER, keys.getPublic(), CLOCK);
        assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(Duration.between(NOW, cert.getNotAfter().toInstant())).isEqualTo(ClusterCa.CERT_VALIDITY);
        assertThat(ca.verifyNode(cert, NOW)).contains(new NodeIdentity("n1", "c1", NodeRole.WORKER));
    }

    @Test
    void verifyRefusesOtherCasAndExpiredCertificates() {
        KeyPair keys = ClusterCa.newKeyPair();
        ClusterCa other = ClusterCa.create("c1", CLOCK);
        X509Certificate foreign = other.issueNode("n1", "c1", NodeRole.WORKER, keys.getPublic(), CLOCK);
        assertThat(ca.verifyNode(foreign, NOW)).isEmpty();
        X509Certificate own = ca.issueNode("n1", "c1", NodeRole.WORKER, keys.getPublic(), CLOCK);
        assertThat(ca.verifyNode(own, NOW.plus(Duration.ofDays(366)))).isEmpty();
        assertThat(ca.verifyNode(own, NOW.minus(Duration.ofDays(1)))).isEmpty();
    }

    @Test
    void serverCertificateNamesEveryAddress() throws Exception {
        KeyPair keys = ClusterCa.newKeyPair();
        X509Certificate cert = ca.issueServer("m1", "c1", keys.getPublic(),
                List.of("10.0.0.1", "127.0.0.1", "localhost", "host-1", "::1"), CLOCK);
        List<String> names = cert.getSubjectAlternativeNames().stream().map(n -> n.get(1).toString()).toList();
        assertThat(names).contains("10.0.0.1", "127.0.0.1", "localhost", "host-1", ClusterCa.MANAGER_DNS_NAME);
        assertThat(names).anyMatch(n -> n.startsWith("0:0:0:0:0:0:0:1"));
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        assertThat(ca.verifyNode(cert, NOW).map(NodeIdentity::role)).isEqualTo(Optional.of(NodeRole.MANAGER));
    }

    @Test
    void badPemIsRefused() {
        assertThatThrownBy(() -> Pem.readCertificate("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pem.readCertificate("hello")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pem.readPublicKey(ca.certificatePem()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("public key");
        assertThatThrownBy(() -> Pem.readPublicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClusterCa.fromPem(ca.certificatePem(), "nope"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void publicKeyPemRoundTrip() {
        KeyPair keys = ClusterCa.newKeyPair();
        assertThat(Pem.readPublicKey(Pem.publicKey(keys.getPublic()))).isEqualTo(keys.getPublic());
        assertThat(Pem.readPrivateKey(Pem.privateKey(keys.getPrivate()))).isEqualTo(keys.getPrivate());
    }
}
