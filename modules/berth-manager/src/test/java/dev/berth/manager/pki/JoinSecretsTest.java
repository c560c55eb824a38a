package dev.berth.manager.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.NodeRole;
import dev.berth.api.join.JoinToken;
import org.junit.jupiter.api.Test;

class JoinSecretsTest {

    private final JoinSecrets secrets = JoinSecrets.random();

    @Test
    void eachSecretNamesItsRole() {
        assertThat(secrets.worker()).hasSize(25).matches("[0-9a-z]+").isNotEqualTo(secrets.manager());
        assertThat(secrets.roleOf(secrets.worker())).contains(NodeRole.WORKER);
        assertThat(secrets.roleOf(secrets.manager())).contains(NodeRole.MANAGER);
        assertThat(secrets.roleOf("0000000000000000000000000")).isEmpty();
        assertThat(secrets.roleOf("")).isEmpty();
        assertThat(secrets.roleOf(null)).isEmpty();
        assertThat(secrets.roleOf(secrets.worker() + "x")).isEmpty();
    }

    @Test
    void rotationReplacesOnlyThatRole() {
        JoinSecrets rotated = secrets.rotated(NodeRole.WORKER);
        assertThat(rotated.worker()).isNotEqualTo(secrets.worker());
        assertThat(rotated.manager()).isEqualTo(secrets.manager());
        assertThat(rotated.roleOf(secrets.worker())).isEmpty();
        JoinSecrets managerRotated = secrets.rotated(NodeRole.MANAGER);
        assertThat(managerRotated.worker()).isEqualTo(secrets.worker());
        assertThat(managerRotated.manager()).isNotEqualTo(secrets.manager());
    }

    @Test
    void tokensCarryTheFingerprint() {
        String fp = "ab".repeat(32);
        JoinToken token = secrets.token(fp, NodeRole.WORKER);
        assertThat(token.toString()).isEqualTo("BTHTKN-1-" + fp + "-" + secrets.worker());
        assertThat(secrets.toString()).doesNotContain(secrets.worker());
    }

    @Test
    void emptySecretsAreRefused() {
        assertThatThrownBy(() -> new JoinSecrets("", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
