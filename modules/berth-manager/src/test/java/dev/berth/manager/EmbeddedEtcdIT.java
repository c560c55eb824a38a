package dev.berth.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testkit.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manager with its own embedded etcd member, as {@code berth init} runs it. */
class EmbeddedEtcdIT {

    @Test
    void launchesEtcdInTheStateDirAndKeepsTheClusterAcrossRestarts(@TempDir Path stateDir) {
        ManagerConfig config = ManagerConfig.defaults()
                .withStateDir(stateDir)
                .withEtcdPorts(EtcdExtension.freePort(), EtcdExtension.freePort())
                .withListen("127.0.0.1", 0)
                .withClusterListen("127.0.0.1", 0)
                .withElectionTtl(Duration.ofSeconds(2));
        String clusterId;
        String nodeId;
        try (Manager manager = new Manager(config).start()) {
            TestApi api = new TestApi(manager.apiPort());
            assertThat(Files.isDirectory(stateDir.resolve("etcd"))).isTrue();
            await().atMost(Duration.ofSeconds(15)).until(manager::isLeader);
            JsonNode info = api.get("/api/v1/info").json();
            clusterId = info.get("clusterId").asText();
            nodeId = manager.nodeId();
            assertThat(info.get("leader").asText()).isEqualTo(nodeId);
            assertThat(api.post("/api/v1/services", TestSupport.service("web", 0, ""), TestApi.YAML).status())
                    .isEqualTo(201);
        }
        try (Manager again = new Manager(config).start()) {
            TestApi api = new TestApi(again.apiPort());
            assertThat(again.nodeId()).isEqualTo(nodeId);
            assertThat(again.clusterId()).isEqualTo(clusterId);
            assertThat(api.get("/api/v1/services/web").status()).isEqualTo(200);
            assertThat(ApiIT.names(api.get("/api/v1/nodes"))).containsExactly(nodeId);
        }
    }
}
