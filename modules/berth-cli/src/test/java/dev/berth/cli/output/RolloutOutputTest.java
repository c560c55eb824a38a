package dev.berth.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.ServiceRevision;
import dev.berth.api.ServiceSpec;
import dev.berth.api.ServiceStatus;
import dev.berth.api.UpdateState;
import dev.berth.api.UpdateStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link RolloutProgress}, the revision tables and the rollout parts of describe. */
class RolloutOutputTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    /** whoami with 6 replicas at {@code revision}, its rollout to {@code updateRevision} in {@code state}. */
    static Service service(long revision, int updated, UpdateState state, long updateRevision, String message) {
        ObjectMeta meta = new ObjectMeta("whoami", Map.of(), Map.of(), "uid-1", 9, 3, Optional.of(NOW.minusSeconds(600)));
        UpdateStatus u = new UpdateStatus(state, updateRevision, Optional.of(NOW.minusSeconds(30)),
                state.isActive() ? Optional.empty() : Optional.of(NOW.minusSeconds(5)), message);
        return new Service(null, null, meta, new ServiceSpec("berth-examples/whoami:2", null, 6, null, null, null, null,
                null, null, null, null, null, null, null, null), new ServiceStatus(6, 6, updated, 3, revision, u));
    }

    @Test
    void waitsUntilTheControllerHasNoticedTheRevision() {
        // revision 2 stored, the status still tells revision 1's completed rollout: not this one's
        RolloutProgress p = RolloutProgress.of(service(2, 6, UpdateState.COMPLETED, 1, ""), false);
        assertThat(p.phase()).isEqualTo(RolloutProgress.Phase.WAITING);
        assertThat(p.isTerminal()).isFalse();
        assertThat(p.line()).isEqualTo("Waiting for rollout of service \"whoami\" (revision 2) to start...");
    }

    @Test
    void progressCountsUpdatedTasks() {
        RolloutProgress p = RolloutProgress.of(service(2, 2, UpdateState.UPDATING, 2, ""), false);
        assertThat(p.phase()).isEqualTo(RolloutProgress.Phase.PROGRESS);
        assertThat(p.line()).isEqualTo("Waiting for rollout of service \"whoami\" (revision 2): 2 of 6 tasks updated...");
    }

    @Test
    void completedIsSuccess() {
        RolloutProgress p = RolloutProgress.of(service(2, 6, UpdateState.COMPLETED, 2, ""), false);
        assertThat(p.phase()).isEqualTo(RolloutProgress.Phase.DONE);
        assertThat(p.exitCode()).isZero();
        assertThat(p.line()).isEqualTo("service \"whoami\" successfully rolled out (revision 2)");
    }

    @Test
    void pauseAndRollbackFailARolloutWithStateAndMessage() {
        RolloutProgress paused = RolloutProgress.of(service(2, 1, UpdateState.PAUSED, 2,
                "update paused due to failure of task abc"), false);
        assertThat(paused.phase()).isEqualTo(RolloutProgress.Phase.FAILED);
        assertThat(paused.exitCode()).isEqualTo(1);
        assertThat(paused.line()).isEqualTo("rollout of service \"whoami\" is paused (paused, revision 2): "
                + "update paused due to failure of task abc");
        for (UpdateState s : List.of(UpdateState.ROLLBACK_STARTED, UpdateState.ROLLBACK_COMPLETED,
                UpdateState.ROLLBACK_PAUSED)) {
            RolloutProgress p = RolloutProgress.of(service(3, 0, s, 3, "update rolled back"), false);
            assertThat(p.exitCode()).as(s.value()).isEqualTo(1);
            assertThat(p.isTerminal()).as(s.value()).isTrue();
            assertThat(p.line()).as(s.value()).contains(s.value()).endsWith(": update rolled back");
        }
    }

    @Test
    void aWantedRollbackProgressesAndSucceeds() {
        RolloutProgress running = RolloutProgress.of(service(3, 4, UpdateState.ROLLBACK_STARTED, 3, ""), true);
        assertThat(running.phase()).isEqualTo(RolloutProgress.Phase.PROGRESS);
        assertThat(running.line()).isEqualTo("Waiting for rollback of service \"whoami\" (revision 3): 4 of 6 tasks"
                + " updated...");
        RolloutProgress done = RolloutProgress.of(service(3, 6, UpdateState.ROLLBACK_COMPLETED, 3, ""), true);
        assertThat(done.phase()).isEqualTo(RolloutProgress.Phase.DONE);
        assertThat(done.line()).isEqualTo("service \"whoami\" successfully rolled back (revision 3)");
        RolloutProgress stuck = RolloutProgress.of(service(3, 2, UpdateState.ROLLBACK_PAUSED, 3, "too many"), true);
        assertThat(stuck.phase()).isEqualTo(RolloutProgress.Phase.FAILED);
    }

    @Test
    void aFirstRevisionIsDoneWhenItsTasksRun() {
        Service created = service(1, 3, UpdateState.NONE, 0, "");
        assertThat(RolloutProgress.of(created, false).phase()).isEqualTo(RolloutProgress.Phase.PROGRESS);
        assertThat(RolloutProgress.of(created, false).line()).contains("3 of 6 tasks updated");
        Service up = service(1, 6, UpdateState.NONE, 0, "");
        assertThat(RolloutProgress.of(up, false).line())
                .isEqualTo("service \"whoami\" successfully rolled out (revision 1)");
    }

    static ServiceRevision revision(long n, String cause, String image) {
        ObjectMeta meta = new ObjectMeta(ServiceRevision.nameOf("whoami", n), Map.of("berth.service", "whoami"),
                Map.of(), "r" + n, n, 1, Optional.of(NOW.minusSeconds(60L * (10 - n))));
        return new ServiceRevision(null, null, meta, "whoami", "uid-1", n,
                ServiceSpec.ofImage(image), cause);
    }

    @Test
    void getServiceRevisionsTable() {
        Table t = Tables.get(List.of(revision(1, "", "w:1"), revision(2, "image: w:1 -> w:2", "w:2")), false,
                Map.of(), NOW);
        List<String> lines = t.render().lines().toList();
        assertThat(lines.get(0).split("\\s{2,}")).containsExactly("NAME", "SERVICE", "REVISION", "AGE", "CHANGE-CAUSE");
        assertThat(lines.get(1).split("\\s{2,}")).containsExactly("whoami-1", "whoami", "1", "9m", "<none>");
        assertThat(lines.get(2).split("\\s{2,}")).containsExactly("whoami-2", "whoami", "2", "8m",
                "image: w:1 -> w:2");
        assertThat(Tables.get(List.of(revision(2, "", "w:2")), true, Map.of(), NOW).render()).contains("IMAGE")
                .contains("w:2");
    }

    @Test
    void historyMarksTheCurrentRevisionOldestFirst() {
        Table t = Tables.rolloutHistory(List.of(revision(3, "image: w:2 -> w:1", "w:1"),
                revision(2, "image: w:1 -> w:2", "w:2")), 3, NOW);
        List<String> lines = t.render().lines().toList();
        assertThat(lines.get(0).split("\\s{2,}")).containsExactly("REVISION", "CREATED", "CHANGE-CAUSE");
        assertThat(lines.get(1).split("\\s{2,}")).containsExactly("2", "8 minutes ago", "image: w:1 -> w:2");
        assertThat(lines.get(2).split("\\s{2,}")).containsExactly("3 (current)", "7 minutes ago", "image: w:2 -> w:1");
    }

    @Test
    void prettyAndDescribeShowTheRevisionAndTheUpdateStatus() {
        Service s = service(2, 1, UpdateState.PAUSED, 2, "update paused due to failure of task abc");
        String pretty = Describe.servicePretty(s, Optional.empty(), Optional.of(NOW));
        assertThat(pretty).contains("Revision:").containsPattern("(?m)^Revision:\\s+2$")
                .containsPattern("(?m)^UpdateStatus:$")
                .containsPattern("(?m)^ State:\\s+paused$")
                .containsPattern("(?m)^ Started:\\s+2026-11-28T11:59:30Z \\(30 seconds ago\\)$")
                .containsPattern("(?m)^ Message:\\s+update paused due to failure of task abc$")
                .containsPattern("(?m)^RollbackConfig:$")
                .containsPattern("(?m)^ Monitoring Period:\\s+5s$");
        String described = Describe.service(s, List.of(), Map.of(), NOW);
        assertThat(described).containsPattern("(?m)^Revision:\\s+2$")
                .containsPattern("(?m)^Update status:\\s+paused \\(to revision 2\\): update paused due to failure");
        // no rollout tracked: no block
        Service quiet = service(1, 6, UpdateState.NONE, 0, "");
        assertThat(Describe.servicePretty(quiet, Optional.empty())).doesNotContain("UpdateStatus");
        assertThat(Describe.service(quiet, List.of(), Map.of(), NOW)).doesNotContain("Update status");
    }

    @Test
    void describeARevision() {
        String d = Describe.revision(revision(2, "image: w:1 -> w:2", "w:2"), NOW);
        assertThat(d).containsPattern("(?m)^Service:\\s+whoami \\(uid-1\\)$")
                .containsPattern("(?m)^Revision:\\s+2$")
                .containsPattern("(?m)^Change cause:\\s+image: w:1 -> w:2$")
                .containsPattern("(?m)^Image:\\s+w:2$");
    }
}
