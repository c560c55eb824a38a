package dev.berth.api.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JoinTokenTest {

    private static final String FP = "0123456789abcdef".repeat(4);
    private static final String SECRET = "abcdefghijklmnopqrstuvwxy";

    @Test
    void formatsAndParsesBack() {
        JoinToken token = new JoinToken(FP, SECRET);
        assertThat(token.toString()).isEqualTo("BTHTKN-1-" + FP + "-" + SECRET);
        assertThat(JoinToken.parse(token.toString())).isEqualTo(token);
        assertThat(JoinToken.parse("  " + token + "\n")).isEqualTo(token);
        // an upper-case fingerprint (copied from another tool) is the same fingerprint
        assertThat(JoinToken.parse("BTHTKN-1-" + FP.toUpperCase() + "-" + SECRET)).isEqualTo(token);
    }

    @Test
    void malformedTokensAreRefusedWithoutEchoingTheSecret() {
        for (String bad : new String[] {"", "BTHTKN", "BTHTKN-1-" + FP, "SWMTKN-1-" + FP + "-" + SECRET,
            "BTHTKN-1-" + FP.substring(1) + "-" + SECRET, "BTHTKN-1-" + FP + "-" + SECRET + "z",
            "BTHTKN-1-" + FP + "-" + SECRET.toUpperCase(), "BTHTKN-1-" + FP + "-" + SECRET + "-x"}) {
            assertThatThrownBy(() -> JoinToken.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("join token").hasMessageNotContaining(SECRET);
        }
        assertThatThrownBy(() -> JoinToken.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JoinToken.parse("BTHTKN-2-" + FP + "-" + SECRET))
                .hasMessageContaining("unsupported join token version");
    }

    @Test
    void fingerprintIsLowercaseHexSha256() {
        // SHA-256("abc"), from FIPS 180-2
        assertThat(JoinToken.fingerprint("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void secretComparison() {
        JoinToken token = new JoinToken(FP, SECRET);
        assertThat(token.secretEquals(SECRET)).isTrue();
        assertThat(token.secretEquals("abcdefghijklmnopqrstuvwxz")).isFalse();
        assertThat(token.secretEquals(SECRET + "z")).isFalse();
        assertThat(token.secretEquals(null)).isFalse();
        assertThat(JoinToken.constantTimeEquals("", "")).isTrue();
        assertThat(JoinToken.constantTimeEquals(null, null)).isFalse();
    }
}
