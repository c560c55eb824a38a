package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.store.etcd.EtcdLaunchConfig;
import dev.berth.store.etcd.EtcdLauncher;
import dev.berth.testkit.EtcdExtension;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher on its own etcd (not the shared test one, which it would kill). */
class EtcdLauncherIT {

    @TempDir
    Path tmp;

    @Test
    void startsRestartsAfterKillAndStops() throws Exception {
        EtcdLaunchConfig config = EtcdLaunchConfig.of(tmp.resolve("data"), "it",
                EtcdExtension.freePort(), EtcdExtension.freePort());
        ByteSequence key = ByteSequence.from("/launcher-it", StandardCharsets.UTF_8);
        long firstPid;
        try (EtcdLauncher launcher = new EtcdLauncher(config)) {
            String endpoint = launcher.start();
            assertThat(endpoint).isEqualTo(config.clientUrl());
            assertThat(launcher.isHealthy()).isTrue();
            firstPid = launcher.pid().orElseThrow();

            try (Client client = Client.builder().endpoints(endpoint).build()) {
                client.getKVClient().put(key, ByteSequence.from("kept", StandardCharsets.UTF_8))
                        .get(5, TimeUnit.SECONDS);

                ProcessHandle.of(firstPid).orElseThrow().destroyForcibly(); // SIGKILL
                await().atMost(Duration.ofSeconds(5)).until(() -> !launcher.isHealthy());
                await().atMost(Duration.ofSeconds(15)).until(() -> launcher.restartCount() == 1 && launcher.isHealthy());
                assertThat(launcher.pid()).isPresent().get().isNotEqualTo(firstPid);

                // Same data dir: what was written before the kill is still there.
                var kvs = client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs();
                assertThat(kvs).hasSize(1);
                assertThat(kvs.get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo("kept");
            }

            long secondPid = launcher.pid().orElseThrow();
            launcher.close();
            assertThat(ProcessHandle.of(secondPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(launcher.isHealthy()).isFalse();
            assertThat(launcher.pid()).isEmpty();
            // Closed means no more supervision: nothing comes back.
            Thread.sleep(1000);
            assertThat(launcher.isHealthy()).isFalse();
            assertThat(launcher.restartCount()).isEqualTo(1);
        }
    }
}
