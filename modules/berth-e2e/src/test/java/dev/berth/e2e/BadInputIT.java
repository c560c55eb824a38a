package dev.berth.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.testkit.DockerExtension;
import dev.berth.testkit.DockerTestEnv;
import dev.berth.testkit.EtcdExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bad input shows as a clear error in {@code service ps} and leaves the rest of the cluster alone:
 * an image that does not exist, a command that is not in the image, a published port that is
 * already taken on the node. A healthy whoami service runs throughout; every test checks that it
 * still answers.
 */
@ExtendWith(DockerExtension.class)
class BadInputIT {

    private static BerthCluster berth;
    private static String healthy;
    private static int healthyPort;

    @BeforeAll
    static void startBerth(DockerTestEnv docker) {
        BerthCluster.buildImages(docker.host());
        berth = new BerthCluster(docker.host()).start();
        healthy = berth.service("healthy");
        healthyPort = EtcdExtension.freePort();
        berth.ok("service", "create", "--name", healthy, "-p", healthyPort + ":4567", "berth-examples/whoami:1");
        await().atMost(ArticleStep3IT.WAIT).pollInterval(Duration.ofSeconds(1)).until(() ->
                berth.runningTasks(healthy).size() == 1 && Whoami.get(healthyPort).isPresent());
    }

    @AfterAll
    static void stopBerth() {
        if (berth != null) {
            berth.close();
        }
    }

    private String healthyContainer;

    @BeforeEach
    void rememberHealthy() {
        healthyContainer = berth.containers(healthy, false).get(0).getId();
    }

    /** The rest of the cluster is unaffected: the same healthy container runs and answers. */
    @AfterEach
    void healthyServiceUnaffected() {
        assertThat(berth.runningTasks(healthy)).hasSize(1);
        assertThat(berth.containers(healthy, false)).singleElement().extracting(c -> c.getId()).isEqualTo(healthyContainer);
        assertThat(Whoami.get(healthyPort)).isPresent();
    }

    @Test
    void missingImageIsShownInServicePs() {
        String svc = berth.service("noimage");
        berth.ok("service", "create", "--name", svc, "berth-examples/does-not-exist:1");
        await().atMost(ArticleStep3IT.WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(berth.ok("service", "ps", svc).linesWith(svc + ".1")).anySatisfy(row ->
                        assertThat(row).containsIgnoringCase("No such image").contains("berth-examples/does-not-exist:1")));
        berth.ok("service", "rm", svc);
    }

    @Test
    void commandNotInTheImageIsShownInServicePs() {
        String svc = berth.service("nocommand");
        berth.ok("service", "create", "--name", svc, "berth-examples/sleep:1", "/bin/not-a-command");
        await().atMost(ArticleStep3IT.WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(berth.ok("service", "ps", svc).linesWith(svc + ".1")).anySatisfy(row ->
                        assertThat(row).contains("Failed").contains("not-a-command")));
        berth.ok("service", "rm", svc);
        await().atMost(ArticleStep3IT.WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> berth.containers(svc, true).isEmpty());
    }

    @Test
    void publishedPortTakenOnTheNodeIsShownInServicePs() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0)); // all addresses: the port is taken on the node
            int port = taken.getLocalPort();
            String svc = berth.service("porttaken");
            berth.ok("service", "create", "--name", svc, "-p", port + ":4567", "berth-examples/whoami:1");
            await().atMost(ArticleStep3IT.WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(berth.ok("service", "ps", svc).linesWith(svc + ".1")).anySatisfy(row ->
                        assertThat(row.toLowerCase(Locale.ROOT)).contains("port " + port).contains("in use"));
            });
            assertThat(berth.containers(svc, false)).as("no container runs for a port it cannot have").isEmpty();
            berth.ok("service", "rm", svc);
        }
    }
}
