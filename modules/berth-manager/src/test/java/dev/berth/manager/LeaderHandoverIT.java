package dev.berth.manager;

import static dev.berth.manager.TestApi.JSON;
import static dev.berth.manager.TestApi.YAML;
import static dev.berth.manager.TestSupport.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two managers on one etcd: one leads and runs the controllers; when it stops, the other takes over. */
@ExtendWith(EtcdExtension.class)
class LeaderHandoverIT {

    @Test
    void theOtherManagerTakesOverAndItsControllersAct(EtcdTestEnv env, @TempDir Path dir1, @TempDir Path dir2) {
        Manager m1 = TestSupport.start(env, TestSupport.config(env, dir1));
        Manager m2 = TestSupport.start(env, TestSupport.config(env, dir2));
        await().atMost(Duration.ofSeconds(15)).until(() -> m1.isLeader() ^ m2.isLeader());
        Manager leader = m1.isLeader() ? m1 : m2;
        Manager follower = leader == m1 ? m2 : m1;
        assertThat(follower.isLeader()).isFalse();
        TestApi viaFollower = new TestApi(follower.apiPort());
        assertThat(viaFollower.get("/api/v1/info").json().get("leader").asText()).isEqualTo(leader.nodeId());

        assertThat(viaFollower.post("/api/v1/nodes/register",
                "{\"hostname\":\"worker-1\",\"address\":\"10.0.0.2\",\"cpus\":4,\"memory\":\"4Gi\"}", JSON).status())
                .isEqualTo(201);
        assertThat(viaFollower.post("/api/v1/services", service("web", 2, "app: web"), YAML).status())
                .isEqualTo(201);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(assignedTasks(viaFollower, "web")).hasSize(2));

        leader.close();
        await().atMost(Duration.ofSeconds(10)).until(follower::isLeader);
        assertThat(viaFollower.get("/api/v1/info").json().get("leader").asText()).isEqualTo(follower.nodeId());

        JsonNode web = viaFollower.get("/api/v1/services/web").json();
        String scaled = service("web", 4, "app: web").replace("  name: web\n", "  name: web\n  resourceVersion: "
                + web.get("metadata").get("resourceVersion").asLong() + "\n");
        assertThat(viaFollower.put("/api/v1/services/web", scaled, YAML).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(assignedTasks(viaFollower, "web")).hasSize(4));
    }

    /** Names of the service's tasks that are assigned to a node. */
    private static List<String> assignedTasks(TestApi api, String service) {
        JsonNode items = api.get("/api/v1/tasks?labelSelector=berth.service%3D" + service).json().get("items");
        return StreamSupport.stream(items.spliterator(), false)
                .filter(t -> t.get("status").get("state").asText().equalsIgnoreCase("assigned"))
                .filter(t -> !t.get("spec").get("nodeId").asText().isEmpty())
                .map(t -> t.get("metadata").get("name").asText())
                .toList();
    }
}
