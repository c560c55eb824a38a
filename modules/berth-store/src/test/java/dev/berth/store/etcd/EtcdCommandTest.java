package dev.berth.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdCommandTest {

    @TempDir
    Path tmp;

    @Test
    void findsEtcdOnThePath() throws IOException {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        Path bin = Files.createDirectory(tmp.resolve("bin"));
        Path etcd = executable(bin.resolve("etcd"));
        String path = empty + ":" + bin;
        assertThat(EtcdCommand.resolveBinary(Optional.empty(), path)).isEqualTo(etcd);
    }

    @Test
    void missingBinaryGivesTheAdvice() throws IOException {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertThatThrownBy(() -> EtcdCommand.resolveBinary(Optional.empty(), empty.toString()))
                .hasMessage("etcd not found: install etcd-server or pass --etcd-binary");
        assertThatThrownBy(() -> EtcdCommand.resolveBinary(Optional.of(tmp.resolve("nope")), "/usr/bin"))
                .hasMessage("etcd not found: install etcd-server or pass --etcd-binary");
        Path notExecutable = Files.writeString(tmp.resolve("etcd"), "");
        assertThatThrownBy(() -> EtcdCommand.resolveBinary(Optional.of(notExecutable), null))
                .hasMessage(EtcdCommand.NOT_FOUND);
    }

    @Test
    void configuredBinaryWins() throws IOException {
        Path etcd = executable(tmp.resolve("my-etcd"));
        assertThat(EtcdCommand.resolveBinary(Optional.of(etcd), "")).isEqualTo(etcd);
    }

    @Test
    void commandLineListensOnLoopbackOnlyAndAppendsExtraFlags() {
        EtcdLaunchConfig config = EtcdLaunchConfig.of(Path.of("/var/lib/berth/etcd"), "m1", 2379, 2380)
                .withExtraFlags(List.of("--quota-backend-bytes=1000"));
        List<String> cmd = EtcdCommand.commandLine(Path.of("/usr/bin/etcd"), config);
        assertThat(cmd.get(0)).isEqualTo("/usr/bin/etcd");
        assertThat(cmd).contains(
                "--name=m1",
                "--data-dir=/var/lib/berth/etcd",
                "--listen-client-urls=http://127.0.0.1:2379",
                "--advertise-client-urls=http://127.0.0.1:2379",
                "--listen-peer-urls=http://127.0.0.1:2380",
                "--initial-advertise-peer-urls=http://127.0.0.1:2380",
                "--initial-cluster=m1=http://127.0.0.1:2380",
                "--auto-compaction-retention=1h");
        assertThat(cmd).last().isEqualTo("--quota-backend-bytes=1000");
        assertThat(String.join(" ", cmd)).doesNotContain("0.0.0.0");
    }

    @Test
    void mapsZapLevels() {
        assertThat(EtcdCommand.levelOf("{\"level\":\"warn\",\"msg\":\"slow fdatasync\"}")).isEqualTo(Level.WARN);
        assertThat(EtcdCommand.levelOf("{\"level\":\"error\",\"msg\":\"x\"}")).isEqualTo(Level.ERROR);
        assertThat(EtcdCommand.levelOf("{\"level\":\"fatal\",\"msg\":\"x\"}")).isEqualTo(Level.ERROR);
        assertThat(EtcdCommand.levelOf("{\"level\":\"debug\",\"msg\":\"x\"}")).isEqualTo(Level.DEBUG);
        assertThat(EtcdCommand.levelOf("{\"level\":\"info\",\"msg\":\"x\"}")).isEqualTo(Level.INFO);
        assertThat(EtcdCommand.levelOf("plain text")).isEqualTo(Level.INFO);
    }

    @Test
    void configRejectsBadPorts() {
        assertThatThrownBy(() -> EtcdLaunchConfig.of(tmp, "m", 0, 2380))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ports");
        assertThat(EtcdLaunchConfig.of(tmp, "m", 1, 2).clientUrl()).isEqualTo("http://127.0.0.1:1");
    }

    @Test
    void launcherFailsClearlyWhenTheBinaryIsMissing() {
        EtcdLaunchConfig config = EtcdLaunchConfig.of(tmp, "m", 1, 2).withBinary(tmp.resolve("missing"));
        try (EtcdLauncher launcher = new EtcdLauncher(config)) {
            assertThatThrownBy(launcher::start).hasMessage(EtcdCommand.NOT_FOUND);
        }
    }

    @Test
    void launcherReportsAnEarlyExitWithEtcdsLastWords() throws IOException {
        Path fake = tmp.resolve("fake-etcd");
        Files.writeString(fake, "#!/bin/sh\necho '{\"level\":\"fatal\",\"msg\":\"address already in use\"}'\nexit 3\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        EtcdLaunchConfig config = EtcdLaunchConfig.of(tmp.resolve("data"), "m", 1, 2).withBinary(fake)
                .withStartTimeout(java.time.Duration.ofSeconds(10));
        try (EtcdLauncher launcher = new EtcdLauncher(config)) {
            assertThatThrownBy(launcher::start)
                    .hasMessageContaining("etcd exited with code 3 before it was healthy")
                    .hasMessageContaining("address already in use");
            assertThat(launcher.pid()).isEmpty();
            assertThat(launcher.restartCount()).isZero();
        }
    }

    @Test
    void rangeEndCoversExactlyThePrefix() {
        assertThat(EtcdStore.rangeEnd("/berth/v1/tasks/")).isEqualTo("/berth/v1/tasks0");
        assertThat("/berth/v1/tasks/x").isLessThan(EtcdStore.rangeEnd("/berth/v1/tasks/"));
        assertThat("/berth/v1/tasksx").isGreaterThan(EtcdStore.rangeEnd("/berth/v1/tasks/"));
    }

    private static Path executable(Path file) throws IOException {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
