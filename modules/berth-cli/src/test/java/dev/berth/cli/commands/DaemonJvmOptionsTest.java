package dev.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DaemonJvmOptionsTest {

    @Test
    void theBackgroundManagerRunsC1OnlyByDefault() {
        assertThat(InitCommand.daemonJvmOptions(null)).containsExactly("-XX:TieredStopAtLevel=1");
        assertThat(InitCommand.daemonJvmOptions("  ")).containsExactly("-XX:TieredStopAtLevel=1");
    }

    @Test
    void berthDaemonJavaOptsReplaceTheDefault() {
        assertThat(InitCommand.daemonJvmOptions(" -Xmx512m   -XX:+UseSerialGC "))
                .containsExactly("-Xmx512m", "-XX:+UseSerialGC");
    }
}
