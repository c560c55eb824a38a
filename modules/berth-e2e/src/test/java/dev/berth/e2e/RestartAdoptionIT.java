package dev.berth.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import dev.berth.testkit.DockerExtension;
import dev.berth.testkit.DockerTestEnv;
import dev.berth.testkit.EtcdExtension;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kill -9 of every Berth process (manager, etcd, agent) while services run, then
 * {@code berth init} again on the same state directory: the same services come back, the running
 * containers are adopted (the same container ids) and nothing runs twice.
 */
@ExtendWith(DockerExtension.class)
class RestartAdoptionIT {

    private BerthCluster berth;

    @BeforeEach
    void startBerth(DockerTestEnv docker) {
        BerthCluster.buildImages(docker.host());
        berth = new BerthCluster(docker.host()).start();
    }

    @AfterEach
    void stopBerth() {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void killedAndRestartedBerthAdoptsItsContainers() throws InterruptedException {
        String web = berth.service("web");
        String worker = berth.service("worker");
        int port = EtcdExtension.freePort();
        berth.ok("service", "create", "--name", web, "--replicas", "2", "-p", port + ":4567", "berth-examples/whoami:1");
        berth.ok("service", "create", "--name", worker, "berth-examples/sleep:1");
        await().atMost(ArticleStep3IT.WAIT).pollInterval(Duration.ofSeconds(1)).until(() ->
                berth.runningTasks(web).size() == 2 && berth.runningTasks(worker).size() == 1);
        Set<String> webContainers = ids(berth.containers(web, false));
        Set<String> workerContainers = ids(berth.containers(worker, false));
        assertThat(webContainers).hasSize(2);
        assertThat(workerContainers).hasSize(1);
        Set<String> taskIds = new HashSet<>();
        berth.runningTasks(web).forEach(t -> taskIds.add(t.path("metadata").path("name").asText()));

        berth.killAll();
        assertThat(berth.anyProcessAlive()).isFalse();
        // Docker keeps the containers running without Berth
        assertThat(ids(berth.containers(web, false))).isEqualTo(webContainers);

        berth.start();

        await().atMost(ArticleStep3IT.WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            CliResult ls = berth.ok("service", "ls");
            assertThat(ls.linesWith(web)).singleElement().asString().containsPattern("\\s2/2\\s");
            assertThat(ls.linesWith(worker)).singleElement().asString().containsPattern("\\s1/1\\s");
        });
        // Give a wrong restart the time to show itself (a second container, a replaced task) before
        // the comparison: the agent reconciles within a few seconds of its session.
        Thread.sleep(5_000);
        assertThat(ids(berth.containers(web, true))).as("web's containers, stopped ones included").isEqualTo(webContainers);
        assertThat(ids(berth.containers(worker, true))).as("worker's containers").isEqualTo(workerContainers);
        Set<String> runningTaskIds = new HashSet<>();
        berth.runningTasks(web).forEach(t -> runningTaskIds.add(t.path("metadata").path("name").asText()));
        assertThat(runningTaskIds).as("the same tasks run").isEqualTo(taskIds);
        assertThat(Whoami.get(port)).isPresent().get().isIn(berth.hostnames(web));

        berth.ok("service", "rm", web, worker);
        await().atMost(ArticleStep3IT.WAIT).pollInterval(Duration.ofSeconds(1)).until(() ->
                berth.containers(web, true).isEmpty() && berth.containers(worker, true).isEmpty());
    }

    private static Set<String> ids(List<Container> containers) {
        return containers.stream().map(Container::getId).collect(Collectors.toSet());
    }
}
