package dev.berth.manager.api;

import static dev.berth.manager.api.RolloutApiServer.JSON;
import static dev.berth.manager.api.RolloutApiServer.YAML;
import static dev.berth.manager.api.RolloutApiServer.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.Service;
import dev.berth.api.UpdateState;
import dev.berth.api.UpdateStatus;
import dev.berth.manager.TestApi.Response;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /api/v1/services/{name}/pause} and {@code /resume}. No rollout controller runs, so
 * the test writes the status a controller would have (a completed rollout) straight to the store;
 * a refusal leaves etcd exactly as it was.
 */
@ExtendWith(EtcdExtension.class)
class RolloutPauseIT {

    private static final String NAME = "bt-h7-web";
    private static final String PAUSE = "/api/v1/services/" + NAME + "/pause";
    private static final String RESUME = "/api/v1/services/" + NAME + "/resume";
    private static final String V1 = "berth-examples/whoami:1";
    private static final String V2 = "berth-examples/whoami:2";

    private RolloutApiServer api;

    @BeforeEach
    void start(EtcdTestEnv env) {
        api = RolloutApiServer.start(env);
        assertThat(api.post("/api/v1/services", service(NAME, V1, 3), YAML).status()).isEqualTo(201);
        // what the rollout controller writes once revision 1 is rolled out
        Service created = api.service(NAME);
        Instant now = Instant.now();
        api.store().update(created.withStatus(created.status().withUpdate(new UpdateStatus(UpdateState.COMPLETED,
                1, Optional.of(now), Optional.of(now), "update completed"))));
    }

    @Test
    void withNoRolloutInProgressPauseAndResumeAre409AndChangeNothing() {
        Map<String, String> before = api.snapshot();
        Response pause = api.post(PAUSE, "", JSON);
        assertThat(pause.status()).as(pause.toString()).isEqualTo(409);
        assertThat(pause.json().path("reason").asText()).isEqualTo("Conflict");
        assertThat(pause.json().path("message").asText()).contains(NAME).contains("no rollout in progress")
                .contains("completed");
        Response resume = api.post(RESUME, "", JSON);
        assertThat(resume.status()).as(resume.toString()).isEqualTo(409);
        assertThat(resume.json().path("message").asText()).contains(NAME).contains("no paused rollout");
        assertThat(api.snapshot()).isEqualTo(before);
    }

    @Test
    void aScaleStartsNoRolloutToPause() {
        assertThat(api.put("/api/v1/services/" + NAME, service(NAME, V1, 5), YAML).status()).isEqualTo(200);
        Map<String, String> before = api.snapshot();
        assertThat(api.post(PAUSE, "", JSON).status()).isEqualTo(409);
        assertThat(api.snapshot()).isEqualTo(before);
    }

    @Test
    void theWriteOfANewRevisionStartsItsRolloutWhichPausesAndResumes() {
        Response changed = api.put("/api/v1/services/" + NAME, service(NAME, V2, 3), YAML);
        assertThat(changed.json().path("status").path("revision").asLong()).isEqualTo(2);
        assertThat(changed.json().path("status").path("update").path("revision").asLong())
                .as("the write that records revision 2 starts its rollout, no controller needed").isEqualTo(2);
        assertThat(changed.json().path("status").path("update").path("state").asText()).isEqualTo("updating");
        assertThat(changed.json().path("status").path("update").path("startedAt").asText()).isNotEmpty();

        Response paused = api.post(PAUSE, "", JSON);
        assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
        JsonNode update = paused.json().path("status").path("update");
        assertThat(update.path("state").asText()).isEqualTo("paused");
        assertThat(update.path("revision").asLong()).isEqualTo(2);
        assertThat(update.path("message").asText()).isNotEmpty();
        Service stored = api.service(NAME);
        assertThat(stored.status().update().state()).isEqualTo(UpdateState.PAUSED);
        assertThat(stored.status().update().revision()).isEqualTo(2);
        assertThat(stored.status().revision()).isEqualTo(2);
        assertThat(stored.spec().image()).as("a pause changes no spec").isEqualTo(V2);
        assertThat(stored.spec().replicas()).isEqualTo(3);

        // paused twice: nothing in progress any more
        Map<String, String> before = api.snapshot();
        assertThat(api.post(PAUSE, "", JSON).status()).isEqualTo(409);
        assertThat(api.snapshot()).isEqualTo(before);

        Response resumed = api.post(RESUME, "", JSON);
        assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
        assertThat(resumed.json().path("status").path("update").path("state").asText()).isEqualTo("updating");
        assertThat(resumed.json().path("status").path("update").path("revision").asLong()).isEqualTo(2);
        assertThat(api.service(NAME).status().update().state()).isEqualTo(UpdateState.UPDATING);
        assertThat(api.service(NAME).status().update().startedAt()).isPresent();

        // resumed: a second resume is refused, a pause of the running rollout works
        Map<String, String> running = api.snapshot();
        Response again = api.post(RESUME, "", JSON);
        assertThat(again.status()).as(again.toString()).isEqualTo(409);
        assertThat(again.json().path("message").asText()).contains("updating");
        assertThat(api.snapshot()).isEqualTo(running);
        Response pausedAgain = api.post(PAUSE, "", JSON);
        assertThat(pausedAgain.status()).as(pausedAgain.toString()).isEqualTo(200);
        assertThat(pausedAgain.json().path("status").path("update").path("state").asText()).isEqualTo("paused");
    }

    @Test
    void aRollbackPausesAndResumesAsARollback() {
        assertThat(api.put("/api/v1/services/" + NAME, service(NAME, V2, 3), YAML).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/services/" + NAME + "/rollback", "{}", JSON).status()).isEqualTo(200);

        Response paused = api.post(PAUSE, "", JSON);
        assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
        assertThat(paused.json().path("status").path("update").path("state").asText()).isEqualTo("rollback_paused");
        assertThat(paused.json().path("status").path("update").path("revision").asLong()).isEqualTo(3);

        Response resumed = api.post(RESUME, "", JSON);
        assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
        assertThat(resumed.json().path("status").path("update").path("state").asText())
                .isEqualTo("rollback_started");
        assertThat(api.service(NAME).spec().image()).isEqualTo(V1);
    }

    @Test
    void aMissingServiceIs404() {
        Map<String, String> before = api.snapshot();
        assertThat(api.post("/api/v1/services/bt-h7-nothing/pause", "", JSON).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/services/bt-h7-nothing/resume", "", JSON).status()).isEqualTo(404);
        assertThat(api.snapshot()).isEqualTo(before);
    }
}
