package dev.berth.manager;

import static dev.berth.manager.TestApi.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.NodeState;
import dev.berth.api.ObjectMeta;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.manager.api.ApiException;
import dev.berth.manager.api.ApiOperations;
import dev.berth.store.ObjectStore;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node removal and node label rules through the API on a real etcd: refusals leave etcd as it
 * was; a forced removal deletes the Node object.
 */
@ExtendWith(EtcdExtension.class)
class NodeLifecycleIT {

    @TempDir
    Path dir;

    private static String register(TestApi api, String id, String hostname) {
        TestApi.Response r = api.post("/api/v1/nodes/register", "{\"id\":\"" + id + "\",\"hostname\":\"" + hostname
                + "\",\"address\":\"10.0.0.5\",\"cpus\":2,\"memory\":\"1Gi\"}", JSON);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return id;
    }

    private static void markDown(ObjectStore store, String id) {
        Node n = store.get(Kind.NODE, id).orElseThrow();
        store.update(n.withStatus(n.status().withState(NodeState.DOWN, "heartbeat lost")));
    }

    private static JsonNode refused(EtcdTestEnv env, TestApi api, String path, int status) {
        var before = TestSupport.stableSnapshot(env);
        TestApi.Response r = api.delete(path);
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(TestSupport.snapshot(env)).as("etcd unchanged").isEqualTo(before);
        return r.json();
    }

    @Test
    void removalRulesAndForce(EtcdTestEnv env) {
        Manager manager = TestSupport.startWithoutControllers(env, TestSupport.config(env, dir.resolve("m")));
        TestApi api = new TestApi(manager.apiPort());
        ObjectStore store = env.newStore();
        register(api, "w-ready", "ready-host");
        register(api, "w-busy", "busy-host");
        register(api, "w-down", "down-host");
        markDown(store, "w-busy");
        markDown(store, "w-down");
        store.create(Task.of(ObjectMeta.named("t-busy"), new TaskSpec("web", "u", 1, "w-busy", TaskState.RUNNING,
                ServiceSpec.ofImage("x").taskTemplate()), new TaskStatus(TaskState.RUNNING, "", "", Optional.empty(), "")));

        JsonNode ready = refused(env, api, "/api/v1/nodes/w-ready", 409);
        assertThat(ready.get("reason").asText()).isEqualTo("Conflict");
        assertThat(ready.get("message").asText()).isEqualTo("node w-ready (ready-host) is not down and can't be removed;"
                + " use --force (or run 'berth leave' on it first)");
        assertThat(refused(env, api, "/api/v1/nodes/w-busy", 409).get("message").asText())
                .contains("still has 1 task meant to run");
        assertThat(refused(env, api, "/api/v1/nodes/" + manager.nodeId(), 409).get("message").asText())
                .contains("is a manager");

        TestApi.Response gone = api.delete("/api/v1/nodes/w-down");
        assertThat(gone.status()).as(gone.toString()).isEqualTo(200);
        assertThat(store.get(Kind.NODE, "w-down")).isEmpty();

        // force, through the operations the DELETE route calls with ?force=true
        ApiOperations ops = new ApiOperations(store, Clock.systemUTC());
        ops.deleteNode("w-ready", 0, true);
        ops.deleteNode("w-busy", 0, true);
        assertThat(store.get(Kind.NODE, "w-ready")).isEmpty();
        assertThat(store.get(Kind.NODE, "w-busy")).isEmpty();
        assertThat(store.get(Kind.TASK, "t-busy")).as("tasks are the controllers' business").isPresent();
        assertThatThrownBy(() -> ops.deleteNode(manager.nodeId(), 0, true)).isInstanceOf(ApiException.class)
                .hasMessageContaining("is a manager");
    }

    @Test
    void anInvalidLabelKeyIsRefusedNamingIt(EtcdTestEnv env) {
        Manager manager = TestSupport.startWithoutControllers(env, TestSupport.config(env, dir.resolve("m")));
        TestApi api = new TestApi(manager.apiPort());
        register(api, "w-label", "label-host");
        JsonNode node = api.get("/api/v1/nodes/w-label").json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) node.get("metadata"))
                .putObject("labels").put("bad key", "x");
        var before = TestSupport.stableSnapshot(env);
        TestApi.Response r = api.put("/api/v1/nodes/w-label", node.toString(), JSON);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo("metadata.labels[\"bad key\"]");
        assertThat(r.json().get("message").asText()).contains("invalid label key \"bad key\"");
        assertThat(TestSupport.snapshot(env)).as("etcd unchanged").isEqualTo(before);

        ((com.fasterxml.jackson.databind.node.ObjectNode) node.get("metadata"))
                .putObject("labels").put("Zone.Rack/2", "x");
        TestApi.Response ok = api.put("/api/v1/nodes/w-label", node.toString(), JSON);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.json().at("/metadata/labels/Zone.Rack~12").asText()).isEqualTo("x");
    }
}
