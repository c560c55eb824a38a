package dev.berth.e2e.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testkit.lab.ExecResult;
import dev.berth.testkit.lab.Lab;
import dev.berth.testkit.lab.LabExtension;
import dev.berth.testkit.lab.LabNode;
import dev.berth.testkit.lab.LabNodes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rolling updates on three lab nodes (issue 6): one {@code web} service of six whoami replicas,
 * updated from version 1 to 2 with parallelism 2 (stop-first, then back start-first) while a
 * sampler reads every task from the API every 100 ms; an update to an image that does not exist
 * pauses and is rolled back by hand; an update that fails its health check rolls back by itself;
 * the manager killed with -9 in the middle of a rollout resumes it after a restart.
 *
 * <p>The service runs with {@code --init}, so that busybox httpd (which ignores SIGTERM as PID 1)
 * stops at once and the figures are about Berth, not a grace period.
 */
@ExtendWith(LabExtension.class)
@LabNodes(3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutIT {

    private static final Logger LOG = LogManager.getLogger(RolloutIT.class);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String SVC = "web";
    private static final int REPLICAS = 6;
    private static final int PARALLELISM = 2;
    private static final int PORT = 4570;
    private static final String V1 = "berth-examples/whoami:1";
    private static final String V2 = "berth-examples/whoami:2";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .version(HttpClient.Version.HTTP_1_1).build();
    private Lab lab;
    private LabApi api;

    @BeforeEach
    void setUp(Lab lab) {
        this.lab = lab;
        this.api = new LabApi(lab.managerUrl());
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() ->
                api.readyNodes() >= lab.nodes().size());
    }

    @Test
    @Order(1)
    void stopFirstWithParallelismTwoNeverRunsFewerThanReplicasMinusTwo() {
        ExecResult created = berth("service", "create", "--name", SVC, "--replicas", String.valueOf(REPLICAS),
                "-p", PORT + ":4567", "--init", "--update-parallelism", String.valueOf(PARALLELISM),
                "--update-monitor", "1s", V1);
        assertThat(created.ok()).as(created.stderr()).isTrue();
        awaitAllOn(V1);

        Sampler sampler = Sampler.start(api);
        ExecResult updated = berth("service", "update", "--image", V2, SVC);
        Sampler.Figures figures = sampler.stop();
        assertThat(updated.ok()).as("service update (waits for the rollout)\n%s%s", updated.stdout(),
                updated.stderr()).isTrue();
        LOG.info("stop-first 1->2: serving min {} max {}, containers running max {} over {} samples",
                figures.minServing(), figures.maxServing(), figures.maxRunning(), figures.samples());
        assertThat(figures.samples()).isGreaterThan(10);
        assertThat(figures.minServing()).as("tasks serving at every sample").isGreaterThanOrEqualTo(REPLICAS - PARALLELISM);
        awaitAllOn(V2);
        assertEveryAnswerIsVersion2(true);
        assertThat(status().path("updated").asInt()).isEqualTo(REPLICAS);
        assertThat(status().path("update").path("state").asText()).isEqualTo("completed");
    }

    @Test
    @Order(2)
    void startFirstNeverRunsMoreThanReplicasPlusParallelism() {
        awaitAllOn(V2);
        Sampler sampler = Sampler.start(api);
        ExecResult updated = berth("service", "update", "--image", V1, "--update-order", "start-first", SVC);
        Sampler.Figures figures = sampler.stop();
        assertThat(updated.ok()).as("%s%s", updated.stdout(), updated.stderr()).isTrue();
        LOG.info("start-first 2->1: serving min {} max {}, containers running max {} over {} samples",
                figures.minServing(), figures.maxServing(), figures.maxRunning(), figures.samples());
        assertThat(figures.maxRunning()).as("tasks running at every sample, old ones stopping included")
                .isLessThanOrEqualTo(REPLICAS + PARALLELISM);
        assertThat(figures.maxRunning()).as("start-first did run extra tasks").isGreaterThan(REPLICAS);
        assertThat(figures.minServing()).as("start-first keeps every replica serving").isGreaterThanOrEqualTo(REPLICAS);
        awaitAllOn(V1);
        assertEveryAnswerIsVersion2(false);
        ExecResult history = berth("rollout", "history", "service/" + SVC);
        assertThat(history.ok()).as(history.stderr()).isTrue();
        assertThat(history.out()).contains("image: " + V1 + " -> " + V2).contains("image: " + V2 + " -> " + V1);
    }

    @Test
    @Order(3)
    void anImageThatDoesNotExistPausesAndServiceRollbackReturns() {
        awaitAllOn(V1);
        String before = status().path("revision").asText();
        ExecResult updated = berth("service", "update", "--image", "berth-examples/nope:1",
                "--update-order", "stop-first", "--timeout", "120s", SVC);
        assertThat(updated.ok()).as("a paused rollout is a failure of service update").isFalse();
        JsonNode status = status();
        assertThat(status.path("update").path("state").asText()).isEqualTo("paused");
        assertThat(status.path("update").path("message").asText()).contains("No such image");
        assertThat(status.path("revision").asLong()).isEqualTo(Long.parseLong(before) + 1);
        // only the first batch was touched: the rest still serve version 1
        long serving = api.tasks(SVC).stream().filter(LabApi.TaskView::running)
                .filter(t -> t.image().equals(V1)).count();
        assertThat(serving).isGreaterThanOrEqualTo(REPLICAS - PARALLELISM);

        ExecResult status1 = berth("rollout", "status", "service/" + SVC, "--timeout", "5s");
        assertThat(status1.exit()).as("rollout status of a paused rollout").isNotZero();
        assertThat(status1.out() + status1.stderr()).contains("paused");

        ExecResult rolledBack = berth("service", "rollback", SVC);
        assertThat(rolledBack.ok()).as("%s%s", rolledBack.stdout(), rolledBack.stderr()).isTrue();
        awaitAllOn(V1);
        assertThat(status().path("update").path("state").asText()).isEqualTo("rollback_completed");
    }

    @Test
    @Order(4)
    void anUpdateFailingItsHealthCheckRollsBackByItself() {
        awaitAllOn(V1);
        ExecResult updated = berth("service", "update", "--image", V2, "--health-cmd", "false",
                "--health-interval", "1s", "--health-retries", "1", "--update-failure-action", "rollback",
                "--timeout", "120s", SVC);
        assertThat(updated.ok()).as("a rolled-back update is a failure of service update").isFalse();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() ->
                status().path("update").path("state").asText().equals("rollback_completed"));
        JsonNode service = api.get("/api/v1/services/" + SVC);
        assertThat(service.path("spec").path("image").asText()).isEqualTo(V1);
        assertThat(service.path("spec").path("healthCheck").isMissingNode()).as("the health check went with it").isTrue();
        assertThat(service.path("status").path("update").path("message").asText()).contains("rolled back");
        awaitAllOn(V1);
        assertEveryAnswerIsVersion2(false);
    }

    @Test
    @Order(5)
    void aManagerKilledMidRolloutResumesAndCompletesWithoutDuplicates() {
        awaitAllOn(V1);
        ExecResult started = berth("service", "update", "--image", V2, "--update-parallelism", "1",
                "--update-monitor", "2s", "--detach", SVC);
        assertThat(started.ok()).as(started.stderr()).isTrue();
        long revision = status().path("revision").asLong();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            int n = status().path("updated").asInt();
            return n >= 1 && n < REPLICAS - 1;
        });
        LOG.info("mid-rollout ({} of {} updated): kill -9 of the manager", status().path("updated").asInt(), REPLICAS);
        lab.crashBerth(lab.node(1));
        lab.restartBerth(lab.node(1));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            JsonNode s = status();
            return s.path("update").path("revision").asLong() == revision
                    && s.path("update").path("state").asText().equals("completed");
        });
        awaitAllOn(V2);
        // no duplicates: one live task per slot, and exactly REPLICAS containers across the engines
        Map<Integer, Integer> livePerSlot = new HashMap<>();
        for (LabApi.TaskView t : api.tasks(SVC)) {
            if (t.desired().equals("RUNNING") && !t.state().equals("FAILED") && !t.state().equals("COMPLETE")) {
                livePerSlot.merge(t.slot(), 1, Integer::sum);
            }
        }
        assertThat(livePerSlot).hasSize(REPLICAS).allSatisfy((slot, n) -> assertThat(n).as("slot %d", slot).isEqualTo(1));
        int containers = 0;
        for (LabNode n : lab.nodes()) {
            containers += (int) lab.docker(n, "ps", "-q", "--filter", "name=^/" + SVC + "\\.").out().lines()
                    .filter(l -> !l.isBlank()).count();
        }
        assertThat(containers).as("web containers running on all engines").isEqualTo(REPLICAS);
        assertEveryAnswerIsVersion2(true);
    }

    // --- helpers ---------------------------------------------------------------------------

    /** Reads the service's tasks every 100 ms on its own thread until stopped. */
    private static final class Sampler {

        record Figures(int samples, int minServing, int maxServing, int maxRunning) {
        }

        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger samples = new AtomicInteger();
        private final AtomicInteger minServing = new AtomicInteger(Integer.MAX_VALUE);
        private final AtomicInteger maxServing = new AtomicInteger();
        private final AtomicInteger maxRunning = new AtomicInteger();
        private Thread thread;

        static Sampler start(LabApi api) {
            Sampler s = new Sampler();
            s.thread = new Thread(() -> {
                while (!s.stop.get()) {
                    try {
                        List<LabApi.TaskView> tasks = api.tasks(SVC);
                        // serving: running and meant to; running: every container still up,
                        // old ones that are being stopped included
                        int serving = (int) tasks.stream().filter(LabApi.TaskView::running).count();
                        int running = (int) tasks.stream().filter(t -> t.state().equals("RUNNING")).count();
                        s.minServing.accumulateAndGet(serving, Math::min);
                        s.maxServing.accumulateAndGet(serving, Math::max);
                        s.maxRunning.accumulateAndGet(running, Math::max);
                        s.samples.incrementAndGet();
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        LOG.warn("sample failed: {}", e.toString());
                    }
                }
            }, "rollout-sampler");
            s.thread.setDaemon(true);
            s.thread.start();
            return s;
        }

        Figures stop() {
            stop.set(true);
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Figures(samples.get(), minServing.get(), maxServing.get(), maxRunning.get());
        }
    }

    private JsonNode status() {
        return api.get("/api/v1/services/" + SVC).path("status");
    }

    /** Waits until exactly REPLICAS tasks run (and are meant to), all of {@code image}. */
    private void awaitAllOn(String image) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() -> {
            List<LabApi.TaskView> running = api.tasks(SVC).stream().filter(LabApi.TaskView::running).toList();
            return running.size() == REPLICAS && running.stream().allMatch(t -> t.image().equals(image));
        });
    }

    /** Requests through every node's published port: each answer has (or lacks) the v2 marker. */
    private void assertEveryAnswerIsVersion2(boolean v2) {
        for (LabNode n : lab.nodes()) {
            Set<String> answers = new HashSet<>();
            List<String> bodies = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
                String body = get(n);
                bodies.add(body);
                answers.add(body.strip());
                return answers.size() >= REPLICAS || bodies.size() >= 60;
            });
            assertThat(bodies).as("answers through %s", n.hostname())
                    .allSatisfy(b -> assertThat(b.startsWith("whoami v2: ")).as(b).isEqualTo(v2));
        }
    }

    private String get(LabNode n) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + n.address() + ":" + PORT
                    + "/")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (IOException e) {
            throw new AssertionError("GET " + n.address() + ":" + PORT + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private ExecResult berth(String... args) {
        ExecResult r = lab.berth(lab.node(1), args);
        LOG.info("berth {} -> {}\n{}{}", String.join(" ", args), r.exit(), r.stdout(), r.stderr());
        return r;
    }
}
