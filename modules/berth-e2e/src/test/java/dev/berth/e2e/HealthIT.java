package dev.berth.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testkit.DockerExtension;
import dev.berth.testkit.DockerTestEnv;
import dev.berth.testkit.EtcdExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Health checks and {@code init} on one node with a real engine: a task with a passing check
 * counts (and answers) once healthy; a task whose check fails is never counted, gets no traffic,
 * fails as {@code unhealthy container} and is replaced; the agent's own TCP probe; and a PID-1
 * program that ignores SIGTERM stops at once under {@code init: true} but only after the grace
 * period without it.
 */
@ExtendWith(DockerExtension.class)
class HealthIT {

    private static final Logger LOG = LogManager.getLogger(HealthIT.class);
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static BerthCluster berth;

    @BeforeAll
    static void startBerth(DockerTestEnv docker) {
        BerthCluster.buildImages(docker.host());
        berth = new BerthCluster(docker.host()).start();
    }

    @AfterAll
    static void stopBerth() {
        if (berth != null) {
            berth.close();
        }
    }

    private static void apply(String yaml) {
        try {
            Path file = Files.createTempFile("health", ".yaml");
            Files.writeString(file, yaml);
            berth.ok("apply", "-f", file.toString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String whoami(String name, int port, String healthCheck) {
        return """
                apiVersion: berth.dev/v1
                kind: Service
                metadata: { name: %s }
                spec:
                  image: berth-examples/whoami:1
                  ports: [ { published: %d, target: 4567 } ]
                  restartPolicy: { condition: any, delay: 1s }
                  healthCheck: %s
                """.formatted(name, port, healthCheck);
    }

    @Test
    void aTaskCountsAndAnswersOnceItsCommandCheckPasses() {
        String svc = berth.service("healthy");
        int port = EtcdExtension.freePort();
        apply(whoami(svc, port, "{ cmd: [/bin/sh, -c, 'wget -q -O /dev/null http://127.0.0.1:4567/'],"
                + " interval: 1s, timeout: 2s, retries: 2 }"));

        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(berth.runningTasks(svc)).singleElement()
                        .satisfies(t -> assertThat(t.path("status").path("health").asText()).isEqualTo("healthy")));
        // the service's status follows its tasks' (the service controller recounts)
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(berth.ok("service", "ls").linesWith(svc)).singleElement().asString()
                        .containsPattern("\\s1/1\\s"));
        assertThat(berth.ok("service", "ps", svc).linesWith(svc + ".1")).singleElement().asString()
                .contains("(healthy)");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(Whoami.get(port)).isPresent());
        berth.ok("service", "rm", svc);
    }

    @Test
    void aTaskFailingItsCheckIsNeverUpGetsNoTrafficAndIsReplaced() {
        String svc = berth.service("unhealthy");
        int port = EtcdExtension.freePort();
        apply(whoami(svc, port, "{ cmd: [/bin/sh, -c, 'exit 1'], interval: 1s, timeout: 2s, retries: 2 }"));

        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<JsonNode> tasks = berth.tasks(svc);
            assertThat(tasks).anySatisfy(t -> {
                assertThat(BerthCluster.state(t)).isEqualTo("FAILED");
                assertThat(t.path("status").path("error").asText()).contains("unhealthy container");
            });
            assertThat(tasks.size()).as("a replacement in the slot").isGreaterThanOrEqualTo(2);
        });
        // never counted as up, and the published port never reached it
        assertThat(berth.ok("service", "ls").linesWith(svc)).singleElement().asString().containsPattern("\\s0/1\\s");
        assertThat(Whoami.get(port)).isEmpty();
        berth.ok("service", "rm", svc);
    }

    @Test
    void theAgentsTcpProbeMakesATaskHealthy() {
        String svc = berth.service("tcp");
        int port = EtcdExtension.freePort();
        apply(whoami(svc, port, "{ tcp: { port: 4567 }, interval: 1s, timeout: 1s, retries: 2 }"));

        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(berth.runningTasks(svc)).singleElement()
                        .satisfies(t -> assertThat(t.path("status").path("health").asText()).isEqualTo("healthy")));
        berth.ok("service", "rm", svc);
    }

    @Test
    void initStopsAPid1ThatIgnoresSigtermAtOnce() {
        double withInit = secondsToRemove(berth.service("init"), true);
        double without = secondsToRemove(berth.service("noinit"), false);
        LOG.info("removing a service whose PID 1 ignores SIGTERM: {} s with init, {} s without",
                String.format("%.1f", withInit), String.format("%.1f", without));
        // without init the engine kills it after the 10 s grace period; with it, SIGTERM ends it
        assertThat(without).isGreaterThan(8.0);
        assertThat(withInit).isLessThan(5.0);
    }

    /** Seconds from {@code service rm} to no container left, for a PID-1 {@code sleep}. */
    private static double secondsToRemove(String svc, boolean init) {
        apply("""
                apiVersion: berth.dev/v1
                kind: Service
                metadata: { name: %s }
                spec:
                  image: berth-examples/whoami:1
                  command: [ /bin/sleep, "1000" ]
                  init: %s
                """.formatted(svc, init));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> berth.runningTasks(svc).size() == 1);
        long t0 = System.nanoTime();
        berth.ok("service", "rm", svc);
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() ->
                berth.containers(svc, true).isEmpty());
        return (System.nanoTime() - t0) / 1e9;
    }
}
