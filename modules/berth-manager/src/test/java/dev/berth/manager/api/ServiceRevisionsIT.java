package dev.berth.manager.api;

import static dev.berth.manager.api.RolloutApiServer.JSON;
import static dev.berth.manager.api.RolloutApiServer.YAML;
import static dev.berth.manager.api.RolloutApiServer.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.ObjectMeta;
import dev.berth.api.ServiceRevision;
import dev.berth.api.ServiceSpec;
import dev.berth.manager.TestApi.Response;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API server records a service's revisions (issue 6): revision 1 at create, one more per
 * change of the task template through replace or apply, none for a scale or an unchanged apply,
 * the newest 10 kept, all deleted with the service. Over HTTP against a real etcd, no controllers.
 */
@ExtendWith(EtcdExtension.class)
class ServiceRevisionsIT {

    private static final String NAME = "bt-h7-web";
    private static final String V1 = "berth-examples/whoami:1";
    private static final String V2 = "berth-examples/whoami:2";

    private RolloutApiServer api;

    @BeforeEach
    void start(EtcdTestEnv env) {
        api = RolloutApiServer.start(env);
    }

    @Test
    void createRecordsRevisionOne() {
        Response created = api.post("/api/v1/services", service(NAME, V1, 2), YAML);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().path("status").path("revision").asLong()).isEqualTo(1);
        String uid = created.json().path("metadata").path("uid").asText();

        Response listed = api.get("/api/v1/servicerevisions?labelSelector=berth.service%3D" + NAME);
        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        assertThat(listed.json().path("kind").asText()).isEqualTo("ServiceRevisionList");
        assertThat(listed.json().path("items")).hasSize(1);
        JsonNode revision = listed.json().path("items").get(0);
        assertThat(revision.path("kind").asText()).isEqualTo("ServiceRevision");
        assertThat(revision.path("metadata").path("name").asText()).isEqualTo(NAME + "-1");
        assertThat(revision.path("metadata").path("labels").path("berth.service").asText()).isEqualTo(NAME);
        assertThat(revision.path("metadata").path("creationTimestamp").asText()).isNotEmpty();
        assertThat(revision.path("serviceName").asText()).isEqualTo(NAME);
        assertThat(revision.path("serviceUid").asText()).isEqualTo(uid).isNotEmpty();
        assertThat(revision.path("revision").asLong()).isEqualTo(1);
        assertThat(revision.path("spec").path("image").asText()).isEqualTo(V1);
        assertThat(revision.path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(revision.path("changeCause").asText()).isEqualTo("created");

        Response one = api.get("/api/v1/servicerevisions/" + NAME + "-1");
        assertThat(one.status()).as(one.toString()).isEqualTo(200);
        assertThat(one.json().path("serviceUid").asText()).isEqualTo(uid);
        assertThat(api.get("/api/v1/servicerevisions/" + NAME + "-2").status()).isEqualTo(404);
        assertThat(api.service(NAME).status().revision()).isEqualTo(1);
    }

    @Test
    void replaceWithANewImageRecordsRevisionTwo() {
        JsonNode created = api.post("/api/v1/services", service(NAME, V1, 2), YAML).json();
        long rv = created.path("metadata").path("resourceVersion").asLong();
        String versioned = service(NAME, V2, 2).replace("  name: " + NAME + "\n",
                "  name: " + NAME + "\n  resourceVersion: " + rv + "\n");

        Response replaced = api.put("/api/v1/services/" + NAME, versioned, YAML);
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        assertThat(replaced.json().path("status").path("revision").asLong()).isEqualTo(2);
        assertThat(replaced.json().path("metadata").path("generation").asLong()).isEqualTo(2);
        assertThat(replaced.json().path("spec").path("image").asText()).isEqualTo(V2);

        List<ServiceRevision> revisions = api.revisions(NAME);
        assertThat(revisions).extracting(ServiceRevision::revision).containsExactly(1L, 2L);
        ServiceRevision second = revisions.get(1);
        assertThat(second.name()).isEqualTo(NAME + "-2");
        assertThat(second.spec().image()).isEqualTo(V2);
        assertThat(second.changeCause()).isEqualTo("image: " + V1 + " -> " + V2);
        assertThat(second.serviceUid()).isEqualTo(created.path("metadata").path("uid").asText());
        assertThat(revisions.get(0).spec().image()).as("revision 1 is left as it was").isEqualTo(V1);
        assertThat(api.service(NAME).status().revision()).isEqualTo(2);

        // the same body again (without a resourceVersion) changes nothing the tasks run: no revision
        Response again = api.put("/api/v1/services/" + NAME, service(NAME, V2, 2), YAML);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.json().path("status").path("revision").asLong()).isEqualTo(2);
        assertThat(api.revisions(NAME)).hasSize(2);
    }

    @Test
    void applyRecordsARevisionForANewImageOnly() {
        assertThat(actions(api.post("/api/v1/apply", service(NAME, V1, 2), YAML))).containsExactly("created");
        long generation = api.service(NAME).metadata().generation();

        assertThat(actions(api.post("/api/v1/apply", service(NAME, V2, 2), YAML))).containsExactly("configured");
        assertThat(api.service(NAME).status().revision()).isEqualTo(2);
        assertThat(api.service(NAME).metadata().generation()).isEqualTo(generation + 1);
        assertThat(api.revisions(NAME)).extracting(ServiceRevision::changeCause)
                .containsExactly("created", "image: " + V1 + " -> " + V2);

        // the same file again writes nothing at all
        Map<String, String> before = api.snapshot();
        assertThat(actions(api.post("/api/v1/apply", service(NAME, V2, 2), YAML))).containsExactly("unchanged");
        assertThat(api.snapshot()).isEqualTo(before);

        // a scale is a new generation but no new revision: there are no tasks to replace
        assertThat(actions(api.post("/api/v1/apply", service(NAME, V2, 5), YAML))).containsExactly("configured");
        assertThat(api.service(NAME).spec().replicas()).isEqualTo(5);
        assertThat(api.service(NAME).metadata().generation()).isEqualTo(generation + 2);
        assertThat(api.service(NAME).status().revision()).isEqualTo(2);
        assertThat(api.revisions(NAME)).hasSize(2);
    }

    @Test
    void scaleOrUpdateConfigThroughReplaceRecordsNoRevision() {
        api.post("/api/v1/services", service(NAME, V1, 2), YAML);

        Response scaled = api.put("/api/v1/services/" + NAME, service(NAME, V1, 7), YAML);
        assertThat(scaled.status()).as(scaled.toString()).isEqualTo(200);
        assertThat(scaled.json().path("metadata").path("generation").asLong()).isEqualTo(2);
        assertThat(scaled.json().path("status").path("revision").asLong()).isEqualTo(1);

        Response reconfigured = api.put("/api/v1/services/" + NAME,
                service(NAME, V1, 7, "update: {parallelism: 3, delay: 2s, failureAction: rollback}"), YAML);
        assertThat(reconfigured.status()).as(reconfigured.toString()).isEqualTo(200);
        assertThat(reconfigured.json().path("spec").path("update").path("parallelism").asInt()).isEqualTo(3);
        assertThat(reconfigured.json().path("status").path("revision").asLong()).isEqualTo(1);
        assertThat(api.revisions(NAME)).extracting(ServiceRevision::revision).containsExactly(1L);
    }

    @Test
    void elevenImageChangesKeepTheNewestTen() {
        api.post("/api/v1/services", service(NAME, "bt-h7/img:1", 1), YAML);
        for (int i = 2; i <= 12; i++) {
            Response r = api.put("/api/v1/services/" + NAME, service(NAME, "bt-h7/img:" + i, 1), YAML);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json().path("status").path("revision").asLong()).isEqualTo(i);
        }
        List<ServiceRevision> kept = api.revisions(NAME);
        assertThat(kept).extracting(ServiceRevision::revision)
                .containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        assertThat(kept.get(9).spec().image()).isEqualTo("bt-h7/img:12");
        assertThat(kept.get(9).changeCause()).isEqualTo("image: bt-h7/img:11 -> bt-h7/img:12");
        assertThat(api.get("/api/v1/servicerevisions/" + NAME + "-1").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/servicerevisions/" + NAME + "-2").status()).isEqualTo(404);
        assertThat(api.service(NAME).status().revision()).isEqualTo(12);
    }

    @Test
    void deleteRemovesTheRevisionsAndARecreateStartsAtOne() {
        String firstUid = api.post("/api/v1/services", service(NAME, V1, 1), YAML).json()
                .path("metadata").path("uid").asText();
        api.put("/api/v1/services/" + NAME, service(NAME, V2, 1), YAML);
        // another service's history is not touched
        api.post("/api/v1/services", service("bt-h7-other", V1, 1), YAML);
        api.put("/api/v1/services/bt-h7-other", service("bt-h7-other", V2, 1), YAML);
        assertThat(api.revisions(NAME)).hasSize(2);

        Response deleted = api.delete("/api/v1/services/" + NAME);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(api.revisions(NAME)).isEmpty();
        assertThat(api.get("/api/v1/servicerevisions?labelSelector=berth.service%3D" + NAME).json()
                .path("items")).isEmpty();
        assertThat(api.revisions("bt-h7-other")).extracting(ServiceRevision::revision).containsExactly(1L, 2L);

        Response recreated = api.post("/api/v1/services", service(NAME, V2, 1), YAML);
        assertThat(recreated.status()).as(recreated.toString()).isEqualTo(201);
        assertThat(recreated.json().path("status").path("revision").asLong()).isEqualTo(1);
        String secondUid = recreated.json().path("metadata").path("uid").asText();
        assertThat(secondUid).isNotEqualTo(firstUid);
        List<ServiceRevision> revisions = api.revisions(NAME);
        assertThat(revisions).extracting(ServiceRevision::revision).containsExactly(1L);
        assertThat(revisions.get(0).serviceUid()).isEqualTo(secondUid);
        assertThat(revisions.get(0).spec().image()).isEqualTo(V2);
    }

    /**
     * Revisions left behind by an earlier service of the same name (written by a manager that did
     * not delete them) give way to the new service's, including its {@code -1}.
     */
    @Test
    void createReplacesRevisionsLeftByAnEarlierServiceOfTheName() {
        for (long n = 1; n <= 3; n++) {
            ObjectMeta meta = ObjectMeta.named(ServiceRevision.nameOf(NAME, n))
                    .withLabels(Map.of("berth.service", NAME)).created("bt-h7-stray-" + n, Instant.now());
            api.store().create(new ServiceRevision(null, null, meta, NAME, "bt-h7-gone-uid", n,
                    ServiceSpec.ofImage("bt-h7/old:" + n), "stray"));
        }
        Response created = api.post("/api/v1/services", service(NAME, V1, 1), YAML);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String uid = created.json().path("metadata").path("uid").asText();
        List<ServiceRevision> revisions = api.revisions(NAME);
        assertThat(revisions).extracting(ServiceRevision::revision).containsExactly(1L);
        assertThat(revisions.get(0).serviceUid()).isEqualTo(uid);
        assertThat(revisions.get(0).spec().image()).isEqualTo(V1);

        // and the history goes on from there
        Response replaced = api.put("/api/v1/services/" + NAME, service(NAME, V2, 1), YAML);
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        assertThat(api.revisions(NAME)).extracting(ServiceRevision::serviceUid).containsOnly(uid);
        assertThat(api.revisions(NAME)).extracting(ServiceRevision::revision).containsExactly(1L, 2L);
    }

    /**
     * A service stored before revisions existed (status.revision 0, no revisions): nothing to roll
     * back or pause; its first change records what it ran as revision 1, so undo can return there.
     */
    @Test
    void aServiceFromBeforeRevisionsGetsItsHistoryAtItsFirstChange() {
        api.store().create(dev.berth.api.Service.of(ObjectMeta.named(NAME).created("bt-h7-old-uid", Instant.now()),
                ServiceSpec.ofImage(V1).withReplicas(2)));
        Map<String, String> before = api.snapshot();
        assertThat(api.post("/api/v1/services/" + NAME + "/rollback", "{}", JSON).status()).isEqualTo(409);
        assertThat(api.post("/api/v1/services/" + NAME + "/pause", "", JSON).status()).isEqualTo(409);
        assertThat(api.snapshot()).isEqualTo(before);

        Response scaled = api.put("/api/v1/services/" + NAME, service(NAME, V1, 3), YAML);
        assertThat(scaled.json().path("status").path("revision").asLong()).isZero();
        assertThat(api.revisions(NAME)).isEmpty();

        Response changed = api.put("/api/v1/services/" + NAME, service(NAME, V2, 3), YAML);
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(changed.json().path("status").path("revision").asLong()).isEqualTo(2);
        List<ServiceRevision> revisions = api.revisions(NAME);
        assertThat(revisions).extracting(ServiceRevision::revision).containsExactly(1L, 2L);
        assertThat(revisions.get(0).spec().image()).isEqualTo(V1);
        assertThat(revisions.get(0).serviceUid()).isEqualTo("bt-h7-old-uid");
        assertThat(revisions.get(1).changeCause()).isEqualTo("image: " + V1 + " -> " + V2);

        Response undone = api.post("/api/v1/services/" + NAME + "/rollback", "{}", JSON);
        assertThat(undone.status()).as(undone.toString()).isEqualTo(200);
        assertThat(undone.json().path("spec").path("image").asText()).isEqualTo(V1);
        assertThat(undone.json().path("status").path("revision").asLong()).isEqualTo(3);
    }

    @Test
    void aChangeCauseAnnotationBecomesTheRevisionsCause() {
        api.post("/api/v1/services", service(NAME, V1, 1), YAML);
        String annotated = service(NAME, V2, 1).replace("  name: " + NAME + "\n", "  name: " + NAME
                + "\n  annotations: {berth.dev/change-cause: \"bt-h7 ships v2\"}\n");
        assertThat(api.put("/api/v1/services/" + NAME, annotated, YAML).status()).isEqualTo(200);
        assertThat(api.revisions(NAME)).extracting(ServiceRevision::changeCause)
                .containsExactly("created", "bt-h7 ships v2");
    }

    @Test
    void revisionsAreReadOnly() {
        api.post("/api/v1/services", service(NAME, V1, 1), YAML);
        Map<String, String> before = api.snapshot();
        String revision = Codecs.revisionJson(NAME);
        assertThat(api.post("/api/v1/servicerevisions", revision, JSON).status()).isEqualTo(405);
        assertThat(api.put("/api/v1/servicerevisions/" + NAME + "-1", revision, JSON).status()).isEqualTo(405);
        assertThat(api.delete("/api/v1/servicerevisions/" + NAME + "-1").status()).isEqualTo(405);
        Response applied = api.post("/api/v1/apply", revision, JSON);
        assertThat(applied.status()).as(applied.toString()).isEqualTo(405);
        assertThat(api.snapshot()).isEqualTo(before);
    }

    private static List<String> actions(Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        response.json().path("results").forEach(r -> out.add(r.path("action").asText()));
        return out;
    }

    /** Bodies of a revision, as a client might send one. */
    private static final class Codecs {
        static String revisionJson(String service) {
            return "{\"apiVersion\":\"berth.dev/v1\",\"kind\":\"ServiceRevision\",\"metadata\":{\"name\":\""
                    + service + "-1\"},\"serviceName\":\"" + service + "\",\"revision\":1,"
                    + "\"spec\":{\"image\":\"bt-h7/forged:1\"}}";
        }
    }
}
