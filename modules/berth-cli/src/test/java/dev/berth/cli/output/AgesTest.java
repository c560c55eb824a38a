package dev.berth.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgesTest {

    @Test
    void kubectlShortAges() {
        assertThat(Ages.shortDuration(Duration.ofSeconds(0))).isEqualTo("0s");
        assertThat(Ages.shortDuration(Duration.ofSeconds(119))).isEqualTo("119s");
        assertThat(Ages.shortDuration(Duration.ofSeconds(200))).isEqualTo("3m20s");
        assertThat(Ages.shortDuration(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Ages.shortDuration(Duration.ofMinutes(150))).isEqualTo("150m");
        assertThat(Ages.shortDuration(Duration.ofMinutes(5 * 60 + 7))).isEqualTo("5h7m");
        assertThat(Ages.shortDuration(Duration.ofHours(30))).isEqualTo("30h");
        assertThat(Ages.shortDuration(Duration.ofHours(3 * 24 + 4))).isEqualTo("3d4h");
        assertThat(Ages.shortDuration(Duration.ofDays(40))).isEqualTo("40d");
        assertThat(Ages.shortDuration(Duration.ofDays(3 * 365 + 10))).isEqualTo("3y10d");
        assertThat(Ages.shortDuration(Duration.ofMillis(-500))).isEqualTo("0s");
        assertThat(Ages.shortDuration(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
    }

    @Test
    void dockerHumanDurations() {
        assertThat(Ages.human(Duration.ofMillis(300))).isEqualTo("Less than a second");
        assertThat(Ages.human(Duration.ofSeconds(1))).isEqualTo("1 second");
        assertThat(Ages.human(Duration.ofSeconds(5))).isEqualTo("5 seconds");
        assertThat(Ages.human(Duration.ofSeconds(90))).isEqualTo("About a minute");
        assertThat(Ages.human(Duration.ofMinutes(12))).isEqualTo("12 minutes");
        assertThat(Ages.human(Duration.ofMinutes(70))).isEqualTo("About an hour");
        assertThat(Ages.human(Duration.ofHours(20))).isEqualTo("20 hours");
        assertThat(Ages.human(Duration.ofDays(3))).isEqualTo("3 days");
        assertThat(Ages.human(Duration.ofDays(21))).isEqualTo("3 weeks");
        assertThat(Ages.human(Duration.ofDays(90))).isEqualTo("3 months");
        assertThat(Ages.human(Duration.ofDays(800))).isEqualTo("2 years");
    }

    @Test
    void agoAndUnknown() {
        Instant now = Instant.parse("2026-11-28T12:00:00Z");
        assertThat(Ages.ago(Optional.of(now.minusSeconds(5)), now)).isEqualTo("5 seconds ago");
        assertThat(Ages.ago(Optional.empty(), now)).isEmpty();
        assertThat(Ages.shortAge(Optional.empty(), now)).isEqualTo("<unknown>");
    }
}
