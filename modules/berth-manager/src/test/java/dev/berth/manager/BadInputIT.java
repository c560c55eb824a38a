package dev.berth.manager;

import static dev.berth.manager.TestApi.JSON;
import static dev.berth.manager.TestApi.YAML;
import static dev.berth.manager.TestSupport.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.manager.TestApi.Response;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every kind of bad request gets a 4xx JSON error naming the problem, and etcd's content (every
 * key, value and mod revision under the test's prefix) is the same before and after.
 */
@ExtendWith(EtcdExtension.class)
class BadInputIT {

    private static final long MAX_BODY = 64 * 1024;

    private static EtcdTestEnv env;
    private static Manager manager;
    private static TestApi api;

    @BeforeAll
    static void startManager(EtcdTestEnv etcd) throws Exception {
        env = etcd;
        Path dir = Files.createTempDirectory("berth-bad-input");
        manager = TestSupport.start(env, TestSupport.config(env, dir).withMaxBodyBytes(MAX_BODY));
        api = new TestApi(manager.apiPort());
        assertThat(api.post("/api/v1/services", service("web", 1, "app: web"), YAML).status()).isEqualTo(201);
        assertThat(api.post("/api/v1/services", service("whoami", 0, "") + "  ports: [{published: 4567, target: 80}]\n",
                YAML).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** Sends a bad request and checks the error and that nothing in etcd changed. */
    private static JsonNode rejected(int status, String reason, String field, Supplier<Response> request) {
        Map<String, String> before = TestSupport.stableSnapshot(env);
        assertThat(before).isNotEmpty();
        Response response = request.get();
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/json");
        JsonNode error = response.json();
        assertThat(error.get("code").asInt()).isEqualTo(status);
        assertThat(error.get("reason").asText()).isEqualTo(reason);
        assertThat(error.get("field").asText()).isEqualTo(field);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(TestSupport.snapshot(env)).as("etcd unchanged").isEqualTo(before);
        return error;
    }

    @Test
    void malformedYaml() {
        JsonNode e = rejected(400, "BadRequest", "", () -> api.post("/api/v1/services",
                "apiVersion: berth.dev/v1\nkind: Service\nmetadata: {name: x\nspec: [\n", YAML));
        assertThat(e.get("message").asText()).contains("malformed");
    }

    @Test
    void malformedJson() {
        JsonNode e = rejected(400, "BadRequest", "", () -> api.post("/api/v1/services", "{\"kind\": ", JSON));
        assertThat(e.get("message").asText()).contains("malformed");
    }

    @Test
    void unknownKind() {
        JsonNode e = rejected(400, "BadRequest", "kind", () -> api.post("/api/v1/services",
                service("x", 1, "").replace("kind: Service", "kind: Widget"), YAML));
        assertThat(e.get("message").asText()).contains("Widget");
    }

    @Test
    void unknownField() {
        JsonNode e = rejected(400, "BadRequest", "spec.replicaz", () -> api.post("/api/v1/services",
                service("x", 1, "").replace("replicas:", "replicaz:"), YAML));
        assertThat(e.get("message").asText()).contains("unknown field");
    }

    @Test
    void wrongType() {
        JsonNode e = rejected(400, "BadRequest", "spec.replicas", () -> api.post("/api/v1/services",
                service("x", 1, "").replace("replicas: 1", "replicas: three"), YAML));
        assertThat(e.get("message").asText()).contains("three");
    }

    @Test
    void negativeReplicas() {
        JsonNode e = rejected(400, "Invalid", "spec.replicas", () -> api.post("/api/v1/services",
                service("x", -1, ""), YAML));
        assertThat(e.get("message").asText()).contains("must be >= 0, got -1");
    }

    @Test
    void portOutOfRange() {
        String body = service("x", 1, "") + "  ports: [{published: 70000, target: 80}]\n";
        JsonNode e = rejected(400, "Invalid", "spec.ports[0].published", () -> api.post("/api/v1/services",
                body, YAML));
        assertThat(e.get("message").asText()).contains("70000");
    }

    @Test
    void aHealthCheckWithoutAProbe() {
        String body = service("x", 1, "") + "  healthCheck: {interval: 5s, retries: 2}\n";
        JsonNode e = rejected(400, "Invalid", "spec.healthCheck", () -> api.post("/api/v1/services", body, YAML));
        assertThat(e.get("message").asText()).contains("needs one of cmd, httpGet or tcp");
    }

    @Test
    void aHealthCheckWithTwoProbesIsRejectedByApplyToo() {
        String body = service("web", 1, "app: web") + "  healthCheck: {cmd: [/bin/true], tcp: {port: 80}}\n";
        JsonNode e = rejected(400, "Invalid", "spec.healthCheck", () -> api.post("/api/v1/apply", body, YAML));
        assertThat(e.get("message").asText()).contains("cmd and tcp");
    }

    @Test
    void aHealthCheckWithZeroRetriesOnReplace() {
        String body = service("web", 1, "app: web") + "  healthCheck: {httpGet: {port: 80, path: /}, retries: 0}\n";
        JsonNode e = rejected(400, "Invalid", "spec.healthCheck.retries", () -> api.put("/api/v1/services/web", body,
                YAML));
        assertThat(e.get("message").asText()).contains("must be >= 1, got 0");
    }

    @Test
    void aHealthProbePortOutOfRange() {
        String body = service("x", 1, "") + "  healthCheck: {tcp: {port: 0}}\n";
        JsonNode e = rejected(400, "Invalid", "spec.healthCheck.tcp.port", () -> api.post("/api/v1/services", body,
                YAML));
        assertThat(e.get("message").asText()).contains("between 1 and 65535, got 0");
    }

    @Test
    void invalidName() {
        JsonNode e = rejected(400, "Invalid", "metadata.name", () -> api.post("/api/v1/services",
                service("Web_1", 1, ""), YAML));
        assertThat(e.get("message").asText()).contains("Web_1");
    }

    @Test
    void invalidReplaceIsRejectedToo() {
        rejected(400, "Invalid", "spec.replicas", () -> api.put("/api/v1/services/web", service("web", -3, ""), YAML));
    }

    @Test
    void kindThatDoesNotMatchTheUrl() {
        rejected(400, "BadRequest", "kind", () -> api.post("/api/v1/clusters", service("x", 1, ""), YAML));
    }

    @Test
    void nameThatDoesNotMatchTheUrl() {
        rejected(400, "BadRequest", "metadata.name", () -> api.put("/api/v1/services/web", service("other", 1, ""),
                YAML));
    }

    @Test
    void oversizedBody() {
        String padding = "#" + "x".repeat((int) MAX_BODY) + "\n";
        JsonNode e = rejected(413, "TooLarge", "", () -> api.post("/api/v1/services",
                padding + service("big", 1, ""), YAML));
        assertThat(e.get("message").asText()).contains(Long.toString(MAX_BODY));
    }

    @Test
    void staleResourceVersion() {
        TestSupport.stableSnapshot(env);
        long webVersion = api.get("/api/v1/services/web").json().get("metadata").get("resourceVersion").asLong();
        String stale = service("web", 7, "app: web").replace("  name: web\n", "  name: web\n  resourceVersion: "
                + (webVersion - 1) + "\n");
        JsonNode e = rejected(409, "Conflict", "metadata.resourceVersion",
                () -> api.put("/api/v1/services/web", stale, YAML));
        assertThat(e.get("message").asText()).contains(Long.toString(webVersion - 1))
                .contains(Long.toString(webVersion));
    }

    @Test
    void existingName() {
        rejected(409, "AlreadyExists", "metadata.name", () -> api.post("/api/v1/services",
                service("web", 1, "app: web"), YAML));
    }

    @Test
    void getOfAMissingObject() {
        JsonNode e = rejected(404, "NotFound", "", () -> api.get("/api/v1/services/nope"));
        assertThat(e.get("message").asText()).contains("nope");
    }

    @Test
    void deleteOfAMissingObject() {
        rejected(404, "NotFound", "", () -> api.delete("/api/v1/services/nope"));
    }

    @Test
    void unknownKindInTheUrl() {
        JsonNode e = rejected(404, "NotFound", "", () -> api.get("/api/v1/widgets"));
        assertThat(e.get("message").asText()).contains("widgets");
    }

    @Test
    void unknownEndpoint() {
        rejected(404, "NotFound", "", () -> api.get("/nothing/here"));
    }

    @Test
    void writesToTasksAreNotAllowed() {
        rejected(405, "MethodNotAllowed", "", () -> api.post("/api/v1/tasks", service("t", 1, ""), YAML));
        rejected(405, "MethodNotAllowed", "", () -> api.put("/api/v1/tasks/t", service("t", 1, ""), YAML));
        rejected(405, "MethodNotAllowed", "", () -> api.delete("/api/v1/tasks/t"));
    }

    @Test
    void nodesAreNotCreatedWithPost() {
        String node = "apiVersion: berth.dev/v1\nkind: Node\nmetadata: {name: n1}\n";
        JsonNode e = rejected(405, "MethodNotAllowed", "", () -> api.post("/api/v1/nodes", node, YAML));
        assertThat(e.get("message").asText()).contains("register");
    }

    @Test
    void otherMethodsAreNotAllowed() {
        rejected(405, "MethodNotAllowed", "", () -> api.method("PATCH", "/api/v1/services/web", "{}"));
    }

    @Test
    void badLabelSelector() {
        JsonNode e = rejected(400, "BadRequest", "labelSelector",
                () -> api.get("/api/v1/services?labelSelector=a%20b%3Dc"));
        assertThat(e.get("message").asText()).contains("labelSelector");
    }

    @Test
    void badResourceVersionParameter() {
        rejected(400, "BadRequest", "resourceVersion", () -> api.delete("/api/v1/services/web?resourceVersion=x"));
    }

    @Test
    void multiDocumentApplyWithOneBadDocumentWritesNothing() {
        String body = service("fresh", 1, "") + "---\n" + service("web", 2, "app: web") + "---\n"
                + service("broken", -1, "");
        JsonNode e = rejected(400, "Invalid", "spec.replicas", () -> api.post("/api/v1/apply", body, YAML));
        assertThat(e.get("message").asText()).contains("document 3").contains("broken");
        assertThat(api.get("/api/v1/services/fresh").status()).isEqualTo(404);
    }

    @Test
    void multiDocumentApplyWithOneUndecodableDocumentWritesNothing() {
        String body = service("fresh", 1, "") + "---\n" + service("x", 1, "").replace("replicas: 1", "replicas: three");
        JsonNode e = rejected(400, "BadRequest", "spec.replicas", () -> api.post("/api/v1/apply", body, YAML));
        assertThat(e.get("message").asText()).contains("document 2");
    }

    @Test
    void applyOfATaskIsNotAllowed() {
        String body = service("fresh", 1, "") + "---\napiVersion: berth.dev/v1\nkind: Task\nmetadata: {name: t1}\n";
        rejected(405, "MethodNotAllowed", "", () -> api.post("/api/v1/apply", body, YAML));
    }

    @Test
    void applyOfAnEmptyBody() {
        rejected(400, "BadRequest", "", () -> api.post("/api/v1/apply", "\n", YAML));
    }

    @Test
    void registrationWithABadLabel() {
        JsonNode e = rejected(400, "Invalid", "metadata.labels[\"bad key\"]", () -> api.post("/api/v1/nodes/register",
                "{\"hostname\":\"w\",\"address\":\"10.0.0.9\",\"labels\":{\"bad key\":\"x\"}}", JSON));
        assertThat(e.get("message").asText()).contains("bad key");
    }

    @Test
    void registrationWithAnUnknownField() {
        rejected(400, "BadRequest", "cpu", () -> api.post("/api/v1/nodes/register",
                "{\"hostname\":\"w\",\"cpu\":2}", JSON));
    }

    @Test
    void aPortAnotherServicePublishesIsAConflict() {
        String taken = "  ports: [{published: 8080, target: 80}, {published: 4567, target: 8080}]\n";
        JsonNode e = rejected(409, "Conflict", "spec.ports[1].published", () -> api.post("/api/v1/services",
                service("thief", 1, "") + taken, YAML));
        assertThat(e.get("message").asText())
                .isEqualTo("spec.ports[1].published: port 4567/tcp is already published by service \"whoami\"");
        // a replace and an apply are refused alike
        rejected(409, "Conflict", "spec.ports[1].published", () -> api.put("/api/v1/services/web",
                service("web", 1, "app: web") + taken, YAML));
        JsonNode applied = rejected(409, "Conflict", "spec.ports[1].published", () -> api.post("/api/v1/apply",
                service("fresh", 1, "") + "---\n" + service("web", 1, "app: web") + taken, YAML));
        assertThat(applied.get("message").asText()).startsWith("document 2: spec.ports[1].published: port 4567/tcp");
        // two services of one body cannot take the same port either
        rejected(409, "Conflict", "spec.ports[0].published", () -> api.post("/api/v1/apply",
                service("a", 1, "") + "  ports: [{published: 9999, target: 80}]\n---\n"
                        + service("b", 1, "") + "  ports: [{published: 9999, target: 80}]\n", YAML));
    }

    @Test
    void theClusterNetworkCannotChange() {
        String cluster = """
                apiVersion: berth.dev/v1
                kind: Cluster
                metadata: {name: default}
                spec:
                  network: {containerCidr: 10.60.0.0/16, serviceCidr: 10.61.0.0/16}
                """;
        JsonNode e = rejected(400, "BadRequest", "spec.network", () -> api.put("/api/v1/clusters/default", cluster,
                YAML));
        assertThat(e.get("message").asText()).contains("cannot change once the cluster exists");
        rejected(400, "BadRequest", "spec.network", () -> api.post("/api/v1/apply", cluster, YAML));
    }

    @Test
    void anOverlappingNetworkIsInvalid() {
        String cluster = """
                apiVersion: berth.dev/v1
                kind: Cluster
                metadata: {name: default}
                spec:
                  network: {containerCidr: 10.42.0.0/16, serviceCidr: 10.42.0.0/20}
                """;
        JsonNode e = rejected(400, "Invalid", "spec.network.serviceCidr", () -> api.put("/api/v1/clusters/default",
                cluster, YAML));
        assertThat(e.get("message").asText()).contains("10.42.0.0/20").contains("10.42.0.0/16");
    }
}
