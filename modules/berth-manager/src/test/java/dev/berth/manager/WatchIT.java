package dev.berth.manager;

import static dev.berth.manager.TestApi.YAML;
import static dev.berth.manager.TestSupport.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.manager.api.ApiServer;
import dev.berth.manager.api.ClusterInfo;
import dev.berth.store.etcd.EtcdStore;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Watch streams over HTTP against a real etcd. */
@ExtendWith(EtcdExtension.class)
class WatchIT {

    @Test
    void watchFromAResourceVersionSeesOnlyLaterChangesInOrder(EtcdTestEnv env, @TempDir Path dir) {
        TestApi api = new TestApi(TestSupport.startWithoutControllers(env, TestSupport.config(env, dir)).apiPort());
        api.post("/api/v1/services", service("a", 1, ""), YAML);
        long rv = api.get("/api/v1/services").json().get("resourceVersion").asLong();

        try (TestApi.WatchStream watch = api.watch("/api/v1/services?watch=true&resourceVersion=" + rv)) {
            assertThat(watch.status).isEqualTo(200);
            assertThat(watch.contentType).startsWith("application/x-ndjson");
            api.post("/api/v1/services", service("b", 1, ""), YAML);
            api.put("/api/v1/services/a", service("a", 3, ""), YAML);
            api.delete("/api/v1/services/b");

            JsonNode first = watch.next();
            assertThat(first.get("type").asText()).isEqualTo("ADDED");
            assertThat(first.get("object").get("metadata").get("name").asText()).isEqualTo("b");
            JsonNode second = watch.next();
            assertThat(second.get("type").asText()).isEqualTo("MODIFIED");
            assertThat(second.get("object").get("spec").get("replicas").asInt()).isEqualTo(3);
            JsonNode third = watch.next();
            assertThat(third.get("type").asText()).isEqualTo("DELETED");
            assertThat(third.get("object").get("metadata").get("name").asText()).isEqualTo("b");
            long v1 = first.get("object").get("metadata").get("resourceVersion").asLong();
            long v2 = second.get("object").get("metadata").get("resourceVersion").asLong();
            long v3 = third.get("object").get("metadata").get("resourceVersion").asLong();
            assertThat(v1).isGreaterThan(rv).isLessThan(v2);
            assertThat(v2).isLessThan(v3);
        }
    }

    @Test
    void watchWithoutAVersionStartsWithTheExistingObjects(EtcdTestEnv env, @TempDir Path dir) throws Exception {
        TestApi api = new TestApi(TestSupport.startWithoutControllers(env, TestSupport.config(env, dir)).apiPort());
        api.post("/api/v1/services", service("a", 1, "app: web"), YAML);
        api.post("/api/v1/services", service("b", 1, "app: db"), YAML);

        try (TestApi.WatchStream watch = api.watch("/api/v1/services?watch=true")) {
            assertThat(line(watch.next())).isEqualTo("ADDED a");
            assertThat(line(watch.next())).isEqualTo("ADDED b");
            assertThat(watch.poll(300)).as("nothing else yet").isNull();
            api.post("/api/v1/services", service("c", 1, ""), YAML);
            assertThat(line(watch.next())).isEqualTo("ADDED c");
        }
    }

    @Test
    void watchFiltersByLabelSelector(EtcdTestEnv env, @TempDir Path dir) throws Exception {
        TestApi api = new TestApi(TestSupport.startWithoutControllers(env, TestSupport.config(env, dir)).apiPort());
        api.post("/api/v1/services", service("a", 1, "app: web"), YAML);
        api.post("/api/v1/services", service("b", 1, "app: db"), YAML);
        try (TestApi.WatchStream watch = api.watch("/api/v1/services?watch=true&labelSelector=app%3Dweb")) {
            assertThat(line(watch.next())).isEqualTo("ADDED a");
            api.put("/api/v1/services/b", service("b", 2, "app: db"), YAML);
            api.put("/api/v1/services/a", service("a", 2, "app: web"), YAML);
            assertThat(line(watch.next())).isEqualTo("MODIFIED a");
        }
    }

    @Test
    void aCompactedVersionEndsTheStreamWith410(EtcdTestEnv env, @TempDir Path dir) throws Exception {
        TestApi api = new TestApi(TestSupport.startWithoutControllers(env, TestSupport.config(env, dir)).apiPort());
        long rv = api.post("/api/v1/services", service("a", 1, ""), YAML).json()
                .get("metadata").get("resourceVersion").asLong();
        api.put("/api/v1/services/a", service("a", 2, ""), YAML);
        // compacting at R keeps R itself: two writes put the watch's start (rv + 1) before R
        api.put("/api/v1/services/a", service("a", 3, ""), YAML);
        EtcdStore store = env.newStore();
        store.compact(store.currentRevision());

        try (TestApi.WatchStream watch = api.watch("/api/v1/services?watch=true&resourceVersion=" + rv)) {
            JsonNode error = watch.next();
            assertThat(error.get("type").asText()).isEqualTo("ERROR");
            assertThat(error.get("object").get("code").asInt()).isEqualTo(410);
            assertThat(error.get("object").get("message").asText()).contains("compacted");
            assertThat(error.get("object").has("field")).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> watch.ended);
        }
    }

    @Test
    void aClientThatGoesAwayClosesTheStoreWatch(EtcdTestEnv env) {
        Vertx vertx = Vertx.vertx();
        ClusterInfo info = new ClusterInfo() {
            @Override
            public String clusterId() {
                return "c";
            }

            @Override
            public String managerNodeId() {
                return "n";
            }

            @Override
            public Optional<String> leader() {
                return Optional.empty();
            }
        };
        try (ApiServer server = new ApiServer(vertx, env.newStore(), Clock.systemUTC(), info, 1 << 20)) {
            TestApi api = new TestApi(server.listen("127.0.0.1", 0));
            api.post("/api/v1/services", service("a", 1, ""), YAML);
            TestApi.WatchStream watch = api.watch("/api/v1/services?watch=true");
            assertThat(line(watch.next())).isEqualTo("ADDED a");
            assertThat(server.activeWatches()).isEqualTo(1);
            watch.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.activeWatches() == 0);
            // the server still serves
            assertThat(api.get("/api/v1/services/a").status()).isEqualTo(200);
        } finally {
            vertx.close();
        }
    }

    @Test
    void closingTheManagerEndsOpenWatches(EtcdTestEnv env, @TempDir Path dir) {
        Manager manager = TestSupport.startWithoutControllers(env, TestSupport.config(env, dir));
        TestApi api = new TestApi(manager.apiPort());
        api.post("/api/v1/services", service("a", 1, ""), YAML);
        try (TestApi.WatchStream watch = api.watch("/api/v1/services?watch=true")) {
            assertThat(line(watch.next())).isEqualTo("ADDED a");
            long start = System.nanoTime();
            manager.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(5)).until(() -> watch.ended);
        }
    }

    private static String line(JsonNode event) {
        return event.get("type").asText() + " " + event.get("object").get("metadata").get("name").asText();
    }
}
