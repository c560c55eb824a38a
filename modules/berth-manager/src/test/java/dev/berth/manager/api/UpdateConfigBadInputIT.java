package dev.berth.manager.api;

import static dev.berth.manager.api.RolloutApiServer.YAML;
import static dev.berth.manager.api.RolloutApiServer.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.manager.TestApi.Response;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A bad update or rollback config (issue 6's bad input: a negative parallelism, a monitor that is
 * not a duration, ...) is a 400 naming the field, through create, replace and apply alike, and
 * nothing is written: no new revision, the same resourceVersion.
 */
@ExtendWith(EtcdExtension.class)
class UpdateConfigBadInputIT {

    private static final String NAME = "bt-h7-web";

    /** A bad config line of the spec and the field the error must name. */
    private record Bad(String line, String field) {
    }

    private static final List<Bad> BAD = List.of(
            new Bad("update: {parallelism: -1}", "spec.update.parallelism"),
            new Bad("update: {monitor: soon}", "spec.update.monitor"),
            new Bad("update: {delay: later}", "spec.update.delay"),
            new Bad("update: {failureAction: explode}", "spec.update.failureAction"),
            new Bad("update: {order: sideways}", "spec.update.order"),
            new Bad("update: {maxFailureRatio: 2}", "spec.update.maxFailureRatio"),
            new Bad("rollback: {parallelism: -3}", "spec.rollback.parallelism"),
            new Bad("rollback: {monitor: 5 parsecs}", "spec.rollback.monitor"));

    private RolloutApiServer api;

    @BeforeEach
    void start(EtcdTestEnv env) {
        api = RolloutApiServer.start(env);
        assertThat(api.post("/api/v1/services", service(NAME, "berth-examples/whoami:1", 2), YAML).status())
                .isEqualTo(201);
    }

    @Test
    void applyOfABadConfigIs400AndChangesNothing() {
        for (Bad bad : BAD) {
            // with a new image too: were it accepted, there would be a new revision
            refused(bad, () -> api.post("/api/v1/apply", service(NAME, "berth-examples/whoami:2", 2, bad.line()),
                    YAML));
        }
    }

    @Test
    void replaceWithABadConfigIs400AndChangesNothing() {
        for (Bad bad : BAD) {
            refused(bad, () -> api.put("/api/v1/services/" + NAME,
                    service(NAME, "berth-examples/whoami:2", 2, bad.line()), YAML));
        }
    }

    @Test
    void createWithABadConfigIs400AndWritesNothing() {
        for (Bad bad : BAD) {
            refused(bad, () -> api.post("/api/v1/services", service("bt-h7-new", "berth-examples/whoami:1", 1,
                    bad.line()), YAML));
        }
        assertThat(api.get("/api/v1/services/bt-h7-new").status()).isEqualTo(404);
        assertThat(api.revisions("bt-h7-new")).isEmpty();
    }

    @Test
    void aGoodConfigIsTakenWithoutARevision() {
        Response r = api.put("/api/v1/services/" + NAME, service(NAME, "berth-examples/whoami:1", 2,
                "update: {parallelism: 0, delay: 1s, failureAction: continue, monitor: 30s, maxFailureRatio: 0.5,"
                        + " order: start-first}"), YAML);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("spec").path("update").path("order").asText()).isEqualTo("start-first");
        assertThat(r.json().path("status").path("revision").asLong()).isEqualTo(1);
        assertThat(api.service(NAME).spec().update().parallelism()).isZero();
        assertThat(api.revisions(NAME)).hasSize(1);
    }

    private void refused(Bad bad, java.util.function.Supplier<Response> request) {
        Map<String, String> before = api.snapshot();
        long rv = api.service(NAME).metadata().resourceVersion();
        Response r = request.get();
        assertThat(r.status()).as(bad.line() + " -> " + r).isEqualTo(400);
        assertThat(r.json().path("field").asText()).as(bad.line() + " -> " + r).isEqualTo(bad.field());
        assertThat(r.json().path("message").asText()).as(bad.line() + " -> " + r).contains(bad.field());
        assertThat(api.snapshot()).as(bad.line()).isEqualTo(before);
        assertThat(api.service(NAME).metadata().resourceVersion()).isEqualTo(rv);
        assertThat(api.revisions(NAME)).hasSize(1);
    }
}
