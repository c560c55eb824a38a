package dev.berth.agent.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JoinStateTest {

    @TempDir
    Path dir;

    private static JoinedNode joined() {
        KeyPair keys = NodeKeys.generate();
        return new JoinedNode("n1", NodeKeys.privateKeyPem(keys), "CERT\n", "CA\n", List.of("10.0.0.1:4242"));
    }

    @Test
    void writesWhatAJoinGaveAndReadsItBack() throws Exception {
        assertThat(JoinState.existingNodeId(dir)).isEmpty();
        assertThat(JoinState.read(dir)).isEmpty();
        JoinState written = JoinState.write(dir, joined());

        assertThat(Files.readString(dir.resolve("node-id"))).isEqualTo("n1\n");
        assertThat(Files.readString(dir.resolve("managers"))).isEqualTo("10.0.0.1:4242\n");
        assertThat(written.tls().key()).isEqualTo(dir.resolve("tls/node.key"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("tls/node.key")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(dir.resolve("tls/node.crt"))).isEqualTo("CERT\n");
        assertThat(Files.readString(dir.resolve("tls/ca.crt"))).isEqualTo("CA\n");
        assertThat(JoinState.read(dir)).contains(written);
        assertThat(JoinState.existingNodeId(dir)).contains("n1");
    }

    @Test
    void aManagersOwnCertificateIsNotAJoinedNode() {
        JoinState.writeTls(dir, "KEY", "CERT", "CA");
        assertThat(JoinState.read(dir)).isEmpty();
        // but the directory is taken: joining there would mix two identities
        assertThat(JoinState.existingNodeId(dir)).isPresent();
    }

    @Test
    void publicKeyPemIsSubjectPublicKeyInfo() throws Exception {
        KeyPair keys = NodeKeys.generate();
        String pem = NodeKeys.publicKeyPem(keys);
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        assertThat(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
                .decode(base64)))).isEqualTo(keys.getPublic());
        assertThat(NodeKeys.privateKeyPem(keys)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    }
}
