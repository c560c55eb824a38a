package dev.berth.agent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.api.HealthCheck;
import dev.berth.testkit.DockerExtension;
import dev.berth.testkit.DockerTestEnv;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The agent's probes against a real container, at its address on the default bridge (reachable from the host). */
@ExtendWith(DockerExtension.class)
class ScheduledHealthProbesIT {

    @Test
    void probesAContainersAddress(DockerTestEnv docker) throws Exception {
        String name = "bt-h-agent-probe-" + UUID.randomUUID().toString().substring(0, 8);
        docker.docker("run", "-d", "--name", name, "--label", "bt-h-agent=1", docker.busyboxImage(), "sh", "-c",
                "echo ok > /tmp/index.html; httpd -f -p 8080 -h /tmp");
        try (ScheduledHealthProbes probes = new ScheduledHealthProbes(Clock.systemUTC())) {
            String ip = docker.docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", name);
            assertThat(ip).isNotEmpty();
            HealthCheck tcp = new HealthCheck(null, null, Optional.of(new HealthCheck.TcpProbe(8080)),
                    Duration.ofMillis(200), Duration.ofSeconds(1), 2, null);
            HealthCheck http = new HealthCheck(null, Optional.of(new HealthCheck.HttpGetProbe("/", 8080)), null,
                    Duration.ofMillis(200), Duration.ofSeconds(1), 2, null);
            HealthCheck closedPort = new HealthCheck(null, null, Optional.of(new HealthCheck.TcpProbe(8081)),
                    Duration.ofMillis(200), Duration.ofSeconds(1), 2, null);

            List<String> seen = new CopyOnWriteArrayList<>();
            try (AutoCloseable w = probes.watch(ip, http, Instant.now(), "starting", seen::add)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("healthy"));
            }
            assertThat(probes.probe(ip, tcp)).isTrue();
            assertThat(probes.probe(ip, closedPort)).isFalse();
            docker.docker("stop", "-t", "1", name);
            assertThat(probes.probe(ip, http)).isFalse();
        } finally {
            docker.removeContainers("bt-h-agent=1");
        }
    }
}
