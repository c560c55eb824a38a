package dev.berth.manager;

import static dev.berth.manager.TestApi.JSON;
import static dev.berth.manager.TestApi.YAML;
import static dev.berth.manager.TestSupport.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.manager.TestApi.Response;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The API's happy paths against a manager on a real etcd. */
@ExtendWith(EtcdExtension.class)
class ApiIT {

    private Manager manager;
    private TestApi api;

    @BeforeEach
    void startManager(EtcdTestEnv env, @TempDir Path stateDir) {
        manager = TestSupport.startWithoutControllers(env, TestSupport.config(env, stateDir));
        api = new TestApi(manager.apiPort());
    }

    @Test
    void createGetReplaceDeleteRoundTrip() {
        Response created = api.post("/api/v1/services", service("web", 2, "app: web"), YAML);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.contentType()).startsWith("application/json");
        JsonNode meta = created.json().get("metadata");
        assertThat(meta.get("uid").asText()).matches("[a-z0-9]{25}");
        assertThat(meta.get("generation").asLong()).isEqualTo(1);
        assertThat(meta.get("creationTimestamp").asText()).isNotEmpty();
        long rv1 = meta.get("resourceVersion").asLong();
        assertThat(rv1).isPositive();

        Response got = api.get("/api/v1/services/web");
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().get("spec").get("replicas").asInt()).isEqualTo(2);
        assertThat(got.json().get("metadata").get("uid")).isEqualTo(meta.get("uid"));

        assertThat(api.post("/api/v1/services", service("web", 2, "app: web"), YAML).json().get("reason").asText())
                .isEqualTo("AlreadyExists");

        // replace with the version just read: a compare-and-swap that succeeds
        String scaled = service("web", 5, "app: web").replace("  name: web\n",
                "  name: web\n  resourceVersion: " + rv1 + "\n  uid: forged\n");
        Response replaced = api.put("/api/v1/services/web", scaled, YAML);
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        JsonNode rmeta = replaced.json().get("metadata");
        assertThat(rmeta.get("uid")).as("uid is the server's").isEqualTo(meta.get("uid"));
        assertThat(rmeta.get("creationTimestamp")).isEqualTo(meta.get("creationTimestamp"));
        assertThat(rmeta.get("generation").asLong()).isEqualTo(2);
        assertThat(rmeta.get("resourceVersion").asLong()).isGreaterThan(rv1);
        assertThat(replaced.json().get("spec").get("replicas").asInt()).isEqualTo(5);

        // labels only: generation stays
        Response relabelled = api.put("/api/v1/services/web", service("web", 5, "app: web, tier: front"), YAML);
        assertThat(relabelled.json().get("metadata").get("generation").asLong()).isEqualTo(2);
        assertThat(relabelled.json().get("metadata").get("labels").get("tier").asText()).isEqualTo("front");

        Response deleted = api.delete("/api/v1/services/web");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("metadata").get("name").asText()).isEqualTo("web");
        assertThat(api.get("/api/v1/services/web").status()).isEqualTo(404);
    }

    @Test
    void jsonBodiesWorkToo() {
        String body = "{\"apiVersion\":\"berth.dev/v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"j\"},"
                + "\"spec\":{\"image\":\"x:1\",\"replicas\":1}}";
        assertThat(api.post("/api/v1/services", body, JSON).status()).isEqualTo(201);
    }

    @Test
    void replaceWithStaleResourceVersionIsAConflictAndChangesNothing() {
        long rv1 = api.post("/api/v1/services", service("web", 1, ""), YAML).json()
                .get("metadata").get("resourceVersion").asLong();
        Response second = api.put("/api/v1/services/web", service("web", 2, ""), YAML);
        assertThat(second.status()).isEqualTo(200);
        long rv2 = second.json().get("metadata").get("resourceVersion").asLong();

        String stale = service("web", 9, "").replace("  name: web\n", "  name: web\n  resourceVersion: " + rv1 + "\n");
        Response conflict = api.put("/api/v1/services/web", stale, YAML);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("reason").asText()).isEqualTo("Conflict");
        assertThat(conflict.json().get("message").asText()).contains(Long.toString(rv1)).contains(Long.toString(rv2));

        JsonNode stored = api.get("/api/v1/services/web").json();
        assertThat(stored.get("spec").get("replicas").asInt()).isEqualTo(2);
        assertThat(stored.get("metadata").get("resourceVersion").asLong()).isEqualTo(rv2);
    }

    @Test
    void conditionalDeleteChecksTheVersion() {
        long rv = api.post("/api/v1/services", service("web", 1, ""), YAML).json()
                .get("metadata").get("resourceVersion").asLong();
        assertThat(api.delete("/api/v1/services/web?resourceVersion=" + (rv - 1)).status()).isEqualTo(409);
        assertThat(api.delete("/api/v1/services/web?resourceVersion=" + rv).status()).isEqualTo(200);
    }

    @Test
    void listsFilterByLabelSelector() {
        api.post("/api/v1/services", service("web", 1, "app: web, tier: front"), YAML);
        api.post("/api/v1/services", service("db", 1, "app: db"), YAML);
        api.post("/api/v1/services", service("cache", 1, ""), YAML);

        Response all = api.get("/api/v1/services");
        assertThat(all.json().get("kind").asText()).isEqualTo("ServiceList");
        assertThat(all.json().get("apiVersion").asText()).isEqualTo("berth.dev/v1");
        assertThat(all.json().get("resourceVersion").asLong()).isPositive();
        assertThat(names(all)).containsExactly("cache", "db", "web");
        assertThat(names(api.get("/api/v1/services?labelSelector=app%3Dweb"))).containsExactly("web");
        assertThat(names(api.get("/api/v1/services?labelSelector=app!%3Dweb"))).containsExactly("cache", "db");
        assertThat(names(api.get("/api/v1/services?labelSelector=tier"))).containsExactly("web");
        assertThat(names(api.get("/api/v1/services?labelSelector=!tier,app"))).containsExactly("db");
        Response none = api.get("/api/v1/services?labelSelector=app%3Dnothing");
        assertThat(none.json().get("items").isArray()).as("items is [] when empty: " + none).isTrue();
        assertThat(names(none)).isEmpty();
    }

    @Test
    void applyCreatesConfiguresAndLeavesUnchanged() {
        String both = service("web", 1, "app: web") + "---\n" + service("db", 1, "app: db");
        Response first = api.post("/api/v1/apply", both, YAML);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(actions(first)).containsExactly("Service/web created", "Service/db created");

        assertThat(actions(api.post("/api/v1/apply", both, YAML)))
                .containsExactly("Service/web unchanged", "Service/db unchanged");
        long dbVersion = api.get("/api/v1/services/db").json().get("metadata").get("resourceVersion").asLong();

        String changed = service("web", 3, "app: web") + "---\n" + service("db", 1, "app: db");
        assertThat(actions(api.post("/api/v1/apply", changed, YAML)))
                .containsExactly("Service/web configured", "Service/db unchanged");
        JsonNode web = api.get("/api/v1/services/web").json();
        assertThat(web.get("spec").get("replicas").asInt()).isEqualTo(3);
        assertThat(web.get("metadata").get("generation").asLong()).isEqualTo(2);
        assertThat(api.get("/api/v1/services/db").json().get("metadata").get("resourceVersion").asLong())
                .as("unchanged objects are not written").isEqualTo(dbVersion);
    }

    @Test
    void aServiceKeepsItsOwnPortsAndABodyMayMoveAPort() {
        String port = "  ports: [{published: 4567, target: 80}]\n";
        assertThat(api.post("/api/v1/services", service("whoami", 1, "") + port, YAML).status()).isEqualTo(201);
        Response scaled = api.put("/api/v1/services/whoami", service("whoami", 3, "") + port, YAML);
        assertThat(scaled.status()).as(scaled.toString()).isEqualTo(200);
        assertThat(api.post("/api/v1/services", service("udp", 1, "")
                + "  ports: [{published: 4567, target: 80, protocol: udp}]\n", YAML).status()).isEqualTo(201);
        Response moved = api.post("/api/v1/apply", service("whoami", 3, "") + "---\n" + service("web", 1, "") + port,
                YAML);
        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        assertThat(api.get("/api/v1/services/web").json().get("spec").get("ports").get(0).get("published").asInt())
                .isEqualTo(4567);
    }

    @Test
    void aClusterManifestWithoutNetworkKeepsItAndANodesSubnetIsNotTheUsers(EtcdTestEnv env) {
        String cluster = """
                apiVersion: berth.dev/v1
                kind: Cluster
                metadata: {name: default}
                spec: {taskHistoryLimit: 3}
                """;
        Response replaced = api.put("/api/v1/clusters/default", cluster, YAML);
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        assertThat(replaced.json().get("spec").get("network").get("containerCidr").asText()).isEqualTo("10.42.0.0/16");
        Response same = api.post("/api/v1/apply", cluster.replace("{taskHistoryLimit: 3}",
                "{taskHistoryLimit: 3, network: {containerCidr: 10.42.0.0/16, nodeSubnetPrefix: 24,"
                        + " serviceCidr: 10.43.0.0/16}}"), YAML);
        assertThat(same.status()).as(same.toString()).isEqualTo(200);

        // the network controller's write (straight to the store), then a user's replace without it
        var store = env.newStore();
        var node = store.get(dev.berth.api.Kind.NODE, manager.nodeId()).orElseThrow();
        store.update(node.withSpec(node.spec().withSubnet("10.42.5.0/24")));
        String manifest = """
                apiVersion: berth.dev/v1
                kind: Node
                metadata: {name: %s}
                spec: {role: manager, availability: drain, subnet: 10.42.200.0/24}
                """.formatted(manager.nodeId());
        Response drained = api.put("/api/v1/nodes/" + manager.nodeId(), manifest, YAML);
        assertThat(drained.status()).as(drained.toString()).isEqualTo(200);
        assertThat(drained.json().get("spec").get("availability").asText()).isEqualTo("drain");
        assertThat(drained.json().get("spec").get("subnet").asText()).isEqualTo("10.42.5.0/24");
        store.close();
    }

    @Test
    void infoAndHealth() {
        Response health = api.get("/healthz");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok");
        await().atMost(Duration.ofSeconds(15)).until(() -> manager.isLeader());
        JsonNode info = api.get("/api/v1/info").json();
        assertThat(info.get("managerNodeId").asText()).isEqualTo(manager.nodeId());
        assertThat(info.get("leader").asText()).isEqualTo(manager.nodeId());
        assertThat(info.get("clusterId").asText()).isNotEmpty().isEqualTo(manager.clusterId());
        assertThat(info.get("version").asText()).isNotEmpty();
        JsonNode cluster = api.get("/api/v1/clusters/default").json();
        assertThat(cluster.get("metadata").get("annotations").get(Manager.CLUSTER_ID_ANNOTATION).asText())
                .isEqualTo(manager.clusterId());
    }

    @Test
    void theManagerRegistersItsOwnNode() {
        JsonNode node = api.get("/api/v1/nodes/" + manager.nodeId()).json();
        assertThat(manager.nodeId()).matches("[a-z0-9]{25}");
        assertThat(node.get("spec").get("role").asText()).isEqualTo("manager");
        assertThat(node.get("status").get("state").asText()).isEqualTo("ready");
        assertThat(node.get("status").get("hostname").asText()).isEqualTo("test-host");
        assertThat(node.get("status").get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(node.get("status").get("resources").get("cpus").asDouble())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(node.get("status").get("resources").get("memory").asText()).isNotEmpty();
    }

    @Test
    void nodesRegisterAndRegisterAgain() {
        String body = """
                {"hostname":"worker-1","address":"10.0.0.2","role":"worker","cpus":2,"memory":"1Gi",
                 "engineVersion":"20.10.24","labels":{"zone":"a"}}""";
        Response created = api.post("/api/v1/nodes/register", body, JSON);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("metadata").get("name").asText();
        assertThat(id).matches("[a-z0-9]{25}");
        JsonNode node = api.get("/api/v1/nodes/" + id).json();
        assertThat(node.get("spec").get("role").asText()).isEqualTo("worker");
        assertThat(node.get("metadata").get("labels").get("zone").asText()).isEqualTo("a");
        assertThat(node.get("status").get("state").asText()).isEqualTo("ready");
        assertThat(node.get("status").get("resources").get("memory").asText()).isEqualTo("1Gi");
        assertThat(node.get("status").get("engineVersion").asText()).isEqualTo("20.10.24");

        Response again = api.post("/api/v1/nodes/register",
                "{\"id\":\"" + id + "\",\"hostname\":\"worker-1b\",\"address\":\"10.0.0.3\",\"cpus\":4}", JSON);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.json().get("status").get("address").asText()).isEqualTo("10.0.0.3");
        assertThat(again.json().get("metadata").get("uid")).isEqualTo(node.get("metadata").get("uid"));
        assertThat(names(api.get("/api/v1/nodes"))).hasSize(2).contains(id, manager.nodeId());
    }

    @Test
    void aRestartedManagerKeepsItsNodeId(EtcdTestEnv env, @TempDir Path otherDir) {
        Manager first = TestSupport.startWithoutControllers(env, TestSupport.config(env, otherDir));
        String id = first.nodeId();
        first.close();
        first.close(); // idempotent
        Manager second = TestSupport.startWithoutControllers(env, TestSupport.config(env, otherDir));
        assertThat(second.nodeId()).isEqualTo(id);
        assertThat(second.clusterId()).isEqualTo(manager.clusterId());
        assertThat(names(api.get("/api/v1/nodes"))).containsExactlyInAnyOrder(manager.nodeId(), id);
    }

    @Test
    void aBusyPortFailsTheStartAndLeavesNothingRunning(EtcdTestEnv env, @TempDir Path otherDir) {
        Manager second = new Manager(TestSupport.config(env, otherDir).withListen("127.0.0.1", manager.apiPort()));
        assertThatThrownBy(second::start).hasMessageContaining(Integer.toString(manager.apiPort()));
        assertThat(second.isLeader()).isFalse();
        second.close();
        assertThat(api.get("/healthz").status()).isEqualTo(200);
    }

    static List<String> names(Response list) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : list.json().get("items")) {
            out.add(item.get("metadata").get("name").asText());
        }
        return out;
    }

    static List<String> actions(Response apply) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : apply.json().get("results")) {
            out.add(r.get("kind").asText() + "/" + r.get("name").asText() + " " + r.get("action").asText());
        }
        return out;
    }
}
