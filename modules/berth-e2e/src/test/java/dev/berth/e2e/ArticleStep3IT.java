package dev.berth.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.Container;
import dev.berth.testkit.DockerExtension;
import dev.berth.testkit.DockerTestEnv;
import dev.berth.testkit.EtcdExtension;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The article's step 3 with Berth on one node and a real Docker engine:
 * {@code berth service create --name whoami -p P:4567 berth-examples/whoami:1}, then
 * {@code service ls} reaches 1/1, {@code service ps} shows the task Running on this node and
 * {@code curl 127.0.0.1:P} answers the container's hostname; scaled to 3, three hostnames answer;
 * a container killed from outside is replaced in its slot; {@code service rm} leaves no container.
 * One Berth (manager, etcd, agent) serves the whole class; every test has its own service and port.
 */
@ExtendWith(DockerExtension.class)
class ArticleStep3IT {

    /** Starting a container, a restart delay (5 s) and a CLI JVM or two fit well within this. */
    static final Duration WAIT = Duration.ofSeconds(90);

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

    @Test
    void createdServiceRunsAndAnswersItsHostnameOnThePublishedPort() {
        String svc = berth.service("whoami");
        int port = EtcdExtension.freePort(); // not 4567: a developer's own Berth may publish that one
        CliResult created = berth.ok("service", "create", "--name", svc, "-p", port + ":4567", "berth-examples/whoami:1");
        assertThat(created.out()).contains(svc);

        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(berth.ok("service", "ls").linesWith(svc)).singleElement().asString()
                        .containsPattern("\\s1/1\\s").contains("berth-examples/whoami:1"));

        String hostname = thisNodesHostname();
        List<String> rows = berth.ok("service", "ps", svc).linesWith(svc + ".1");
        assertThat(rows).singleElement().asString().contains("Running").contains(hostname);

        Set<String> containerHostnames = berth.hostnames(svc);
        assertThat(containerHostnames).hasSize(1);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(Whoami.get(port)).isEqualTo(Optional.of(containerHostnames.iterator().next())));

        berth.ok("service", "rm", svc);
    }

    @Test
    void scaledToThreeEveryReplicaAnswersOnTheOnePort() {
        String svc = berth.service("scaled");
        int port = EtcdExtension.freePort();
        berth.ok("service", "create", "--name", svc, "-p", port + ":4567", "berth-examples/whoami:1");
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> berth.runningTasks(svc).size() == 1);

        berth.ok("service", "scale", svc + "=3");
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(berth.ok("service", "ls").linesWith(svc)).singleElement().asString().containsPattern("\\s3/3\\s"));
        Set<String> containerHostnames = berth.hostnames(svc);
        assertThat(containerHostnames).hasSize(3);

        // New connections are balanced at random: 3 replicas all answer within 90 tries but for
        // a chance of 3 * (2/3)^90.
        Set<String> answers = new HashSet<>();
        for (int i = 0; i < 90 && answers.size() < 3; i++) {
            Whoami.get(port).ifPresent(answers::add);
        }
        assertThat(answers).containsExactlyInAnyOrderElementsOf(containerHostnames);

        berth.ok("service", "rm", svc);
    }

    @Test
    void containerKilledFromOutsideIsReplacedInItsSlotAndKeptAsHistory() {
        String svc = berth.service("killed");
        berth.ok("service", "create", "--name", svc, "berth-examples/whoami:1");
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> berth.runningTasks(svc).size() == 1);
        JsonNode first = berth.runningTasks(svc).get(0);
        String firstId = first.path("metadata").path("name").asText();
        int slot = first.path("spec").path("slot").asInt();
        List<Container> containers = berth.containers(svc, false);
        assertThat(containers).hasSize(1);
        String firstContainer = containers.get(0).getId();

        berth.docker().killContainerCmd(firstContainer).exec(); // SIGKILL: exit 137

        // the restart policy's default (condition any, delay 5 s) puts a new task in the same slot
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<JsonNode> running = berth.runningTasks(svc);
            assertThat(running).hasSize(1);
            assertThat(running.get(0).path("metadata").path("name").asText()).isNotEqualTo(firstId);
            assertThat(running.get(0).path("spec").path("slot").asInt()).isEqualTo(slot);
        });
        JsonNode old = berth.tasks(svc).stream().filter(t -> t.path("metadata").path("name").asText().equals(firstId))
                .findFirst().orElseThrow(() -> new AssertionError("the killed task is gone from the history"));
        assertThat(BerthCluster.state(old)).isIn("FAILED", "COMPLETE", "SHUTDOWN");
        assertThat(berth.containers(svc, false)).extracting(Container::getId).singleElement().isNotEqualTo(firstContainer);

        CliResult ps = berth.ok("service", "ps", svc);
        assertThat(ps.out()).contains(svc + "." + slot).contains("\\_ " + svc + "." + slot);

        berth.ok("service", "rm", svc);
    }

    @Test
    void serviceRmLeavesNoContainer() {
        String svc = berth.service("removed");
        berth.ok("service", "create", "--name", svc, "--replicas", "2", "berth-examples/whoami:1");
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> berth.containers(svc, false).size() == 2);

        berth.ok("service", "rm", svc);

        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(berth.containers(svc, true)).as("containers labelled %s=%s", BerthCluster.SERVICE_LABEL, svc)
                        .isEmpty());
        assertThat(berth.ok("service", "ls").linesWith(svc)).isEmpty();
    }

    /** The hostname this node registered with: the only node of the cluster. */
    private static String thisNodesHostname() {
        List<JsonNode> nodes = new java.util.ArrayList<>();
        berth.api("nodes").path("items").forEach(nodes::add);
        assertThat(nodes).hasSize(1);
        return nodes.get(0).path("status").path("hostname").asText();
    }
}
