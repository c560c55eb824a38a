package dev.berth.manager.api;

import static dev.berth.manager.api.RolloutApiServer.JSON;
import static dev.berth.manager.api.RolloutApiServer.YAML;
import static dev.berth.manager.api.RolloutApiServer.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.Service;
import dev.berth.api.ServiceRevision;
import dev.berth.api.UpdateState;
import dev.berth.manager.TestApi.Response;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /api/v1/services/{name}/rollback} (Swarm's {@code service rollback}, Kubernetes'
 * {@code rollout undo}): an earlier revision's spec comes back as a new revision, with the current
 * replica count, and a rollback rollout starts; every refusal leaves etcd exactly as it was.
 */
@ExtendWith(EtcdExtension.class)
class RollbackIT {

    private static final String NAME = "bt-h7-web";
    private static final String V1 = "berth-examples/whoami:1";
    private static final String V2 = "berth-examples/whoami:2";
    private static final String V3 = "berth-examples/whoami:3";
    private static final String ROLLBACK = "/api/v1/services/" + NAME + "/rollback";

    private RolloutApiServer api;

    @BeforeEach
    void start(EtcdTestEnv env) {
        api = RolloutApiServer.start(env);
    }

    /** Creates the service at {@link #V1} with 2 replicas and moves it to each of {@code images}. */
    private void serviceWithImages(String... images) {
        Response created = api.post("/api/v1/services", service(NAME, V1, 2), YAML);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        for (String image : images) {
            Response r = api.put("/api/v1/services/" + NAME, service(NAME, image, 2), YAML);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
        }
    }

    @Test
    void rollbackWithAnEmptyObjectReturnsToThePreviousRevisionAsANewOne() {
        serviceWithImages(V2);
        // a scale after the change: the rollback keeps it
        assertThat(api.put("/api/v1/services/" + NAME, service(NAME, V2, 4), YAML).status()).isEqualTo(200);
        long generation = api.service(NAME).metadata().generation();

        Response rolledBack = api.post(ROLLBACK, "{}", JSON);
        assertThat(rolledBack.status()).as(rolledBack.toString()).isEqualTo(200);
        JsonNode body = rolledBack.json();
        assertThat(body.path("kind").asText()).isEqualTo("Service");
        assertThat(body.path("spec").path("image").asText()).isEqualTo(V1);
        assertThat(body.path("spec").path("replicas").asInt()).as("the current scale is kept").isEqualTo(4);
        assertThat(body.path("metadata").path("generation").asLong()).isEqualTo(generation + 1);
        assertThat(body.path("status").path("revision").asLong()).isEqualTo(3);
        assertThat(body.path("status").path("update").path("state").asText()).isEqualTo("rollback_started");
        assertThat(body.path("status").path("update").path("revision").asLong()).isEqualTo(3);

        Service stored = api.service(NAME);
        assertThat(stored.metadata().resourceVersion())
                .isEqualTo(body.path("metadata").path("resourceVersion").asLong());
        assertThat(stored.spec().image()).isEqualTo(V1);
        assertThat(stored.status().update().state()).isEqualTo(UpdateState.ROLLBACK_STARTED);
        assertThat(stored.status().update().startedAt()).isPresent();

        List<ServiceRevision> revisions = api.revisions(NAME);
        assertThat(revisions).extracting(ServiceRevision::revision).containsExactly(1L, 2L, 3L);
        ServiceRevision third = revisions.get(2);
        assertThat(third.changeCause()).isEqualTo("rollback to revision 1");
        assertThat(third.spec().image()).isEqualTo(V1);
        assertThat(third.spec().replicas()).isEqualTo(4);
        assertThat(third.serviceUid()).isEqualTo(stored.metadata().uid());
    }

    @Test
    void anEmptyBodyRollsBackToo() {
        serviceWithImages(V2);
        Response rolledBack = api.post(ROLLBACK, "", JSON);
        assertThat(rolledBack.status()).as(rolledBack.toString()).isEqualTo(200);
        assertThat(rolledBack.json().path("spec").path("image").asText()).isEqualTo(V1);
    }

    @Test
    void rollbackToANamedRevision() {
        serviceWithImages(V2, V3);
        Response rolledBack = api.post(ROLLBACK, "{\"toRevision\": 1}", JSON);
        assertThat(rolledBack.status()).as(rolledBack.toString()).isEqualTo(200);
        assertThat(rolledBack.json().path("spec").path("image").asText()).isEqualTo(V1);
        assertThat(rolledBack.json().path("status").path("revision").asLong()).isEqualTo(4);
        assertThat(api.revisions(NAME).get(3).changeCause()).isEqualTo("rollback to revision 1");

        // YAML bodies are read too; the one before 4 is 3
        Response again = api.post(ROLLBACK, "toRevision: 3\n", YAML);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.json().path("spec").path("image").asText()).isEqualTo(V3);
        assertThat(again.json().path("status").path("revision").asLong()).isEqualTo(5);
    }

    @Test
    void aRollbackToTheTemplateThatRunsIs409AndChangesNothing() {
        serviceWithImages(V2);
        // revision 3 brings V1 back: revision 1 is then what runs
        assertThat(api.post(ROLLBACK, "{}", JSON).status()).isEqualTo(200);
        Map<String, String> before = api.snapshot();
        for (String body : new String[] {"{\"toRevision\": 1}", "{\"toRevision\": 3}"}) {
            Response same = api.post(ROLLBACK, body, JSON);
            assertThat(same.status()).as(same.toString()).isEqualTo(409);
            assertThat(same.json().path("message").asText()).contains("already runs the template of revision")
                    .contains("(current revision 3): nothing to roll back");
        }
        assertThat(api.snapshot()).isEqualTo(before);
        // the one before 3 is 2, which differs: that works
        assertThat(api.post(ROLLBACK, "{}", JSON).status()).isEqualTo(200);
        assertThat(api.service(NAME).spec().image()).isEqualTo(V2);
    }

    @Test
    void anUnknownRevisionIs404NamingTheKeptOnesAndChangesNothing() {
        serviceWithImages(V2);
        Map<String, String> before = api.snapshot();
        Response missing = api.post(ROLLBACK, "{\"toRevision\": 9}", JSON);
        assertThat(missing.status()).as(missing.toString()).isEqualTo(404);
        assertThat(missing.json().path("reason").asText()).isEqualTo("NotFound");
        assertThat(missing.json().path("message").asText()).contains("no revision 9").contains("kept: 1, 2");
        assertThat(api.snapshot()).isEqualTo(before);
    }

    @Test
    void aServiceWithOnlyItsFirstRevisionIs409AndUnchanged() {
        serviceWithImages();
        // a scale is no revision: still nothing to go back to
        assertThat(api.put("/api/v1/services/" + NAME, service(NAME, V1, 3), YAML).status()).isEqualTo(200);
        Map<String, String> before = api.snapshot();
        long rv = api.service(NAME).metadata().resourceVersion();

        Response refused = api.post(ROLLBACK, "{}", JSON);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.json().path("reason").asText()).isEqualTo("Conflict");
        assertThat(refused.json().path("message").asText())
                .isEqualTo("service \"" + NAME + "\" has no revision before 1 to roll back to");
        assertThat(api.snapshot()).isEqualTo(before);
        assertThat(api.service(NAME).metadata().resourceVersion()).isEqualTo(rv);
        assertThat(api.revisions(NAME)).hasSize(1);
    }

    @Test
    void badBodiesAre400NamingTheFieldAndChangeNothing() {
        serviceWithImages(V2);
        Map<String, String> before = api.snapshot();
        assertBadRequest("{\"toRevision\": \"x\"}", JSON, "toRevision");
        assertBadRequest("{\"toRevision\": \"1\"}", JSON, "toRevision");
        assertBadRequest("{\"toRevision\": 0}", JSON, "toRevision");
        assertBadRequest("{\"toRevision\": -1}", JSON, "toRevision");
        assertBadRequest("{\"toRevision\": 1.5}", JSON, "toRevision");
        assertBadRequest("{\"toRevision\": true}", JSON, "toRevision");
        assertBadRequest("{\"bogus\": 1}", JSON, "bogus");
        assertBadRequest("{\"toRevision\": 1, \"bogus\": 1}", JSON, "bogus");
        assertBadRequest("not json", JSON, "");
        assertBadRequest("{\"toRevision\": ", JSON, "");
        assertBadRequest("[1]", JSON, "");
        assertBadRequest("- 1\n", YAML, "");
        assertThat(api.snapshot()).isEqualTo(before);
    }

    private void assertBadRequest(String body, String contentType, String field) {
        Response r = api.post(ROLLBACK, body, contentType);
        assertThat(r.status()).as(body + " -> " + r).isEqualTo(400);
        assertThat(r.json().path("code").asInt()).isEqualTo(400);
        assertThat(r.json().path("field").asText()).as(body + " -> " + r).isEqualTo(field);
        assertThat(r.json().path("message").asText()).isNotEmpty();
        if (!field.isEmpty()) {
            assertThat(r.json().path("message").asText()).as(body + " -> " + r).contains(field);
        }
    }

    @Test
    void aMissingServiceIs404() {
        Map<String, String> before = api.snapshot();
        for (String body : List.of("{}", "{\"toRevision\": 1}")) {
            Response r = api.post("/api/v1/services/bt-h7-nothing/rollback", body, JSON);
            assertThat(r.status()).as(r.toString()).isEqualTo(404);
            assertThat(r.json().path("message").asText()).contains("bt-h7-nothing");
        }
        assertThat(api.snapshot()).isEqualTo(before);
    }

    @Test
    void onlyPostIsAllowed() {
        serviceWithImages(V2);
        Map<String, String> before = api.snapshot();
        Response r = api.get(ROLLBACK);
        assertThat(r.status()).as(r.toString()).isIn(404, 405);
        assertThat(api.snapshot()).isEqualTo(before);
    }

    /**
     * A rollback restores the revision's ports, which another service may have published since:
     * refused as a create or replace publishing them would be, so no two services claim one port.
     */
    @Test
    void aRollbackToPortsAnotherServiceTookIsRefused() {
        api.post("/api/v1/services", service(NAME, V1, 1, "ports: [{published: 18080, target: 80}]"), YAML);
        assertThat(api.put("/api/v1/services/" + NAME,
                service(NAME, V1, 1, "ports: [{published: 18081, target: 80}]"), YAML).status()).isEqualTo(200);
        Response other = api.post("/api/v1/services",
                service("bt-h7-other", V1, 1, "ports: [{published: 18080, target: 80}]"), YAML);
        assertThat(other.status()).as(other.toString()).isEqualTo(201);
        Map<String, String> before = api.snapshot();

        Response refused = api.post(ROLLBACK, "{}", JSON);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.json().path("field").asText()).isEqualTo("spec.ports[0].published");
        assertThat(refused.json().path("message").asText()).contains("18080").contains("bt-h7-other");
        assertThat(api.snapshot()).isEqualTo(before);
    }
}
