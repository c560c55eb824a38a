package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Service;
import dev.berth.api.UpdateState;
import dev.berth.api.codec.Codec;
import dev.berth.manager.Manager;
import dev.berth.manager.ManagerConfig;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code service update}, {@code rollout history|undo|status|pause} and {@code get rev} against a
 * real manager whose leader runs no controllers: revisions and rollout states are exactly what
 * the API server writes, and no rollout ever progresses (so waits end by {@code --timeout}).
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutIT {

    private Manager manager;
    private CliRunner cli;

    @BeforeAll
    void startManager(EtcdTestEnv env) throws Exception {
        manager = new Manager(ManagerConfig.defaults()
                .withStateDir(Files.createTempDirectory("berth-rollout-it"))
                .withExternalEtcd(env.endpoints(), env.prefix())
                .withListen("127.0.0.1", 0)
                .withClusterListen("127.0.0.1", 0)
                .withHostname("rollout-host")
                .withElectionTtl(Duration.ofSeconds(2)), Clock.systemUTC(), (store, clock) -> () -> { }).start();
        Path home = Files.createTempDirectory("berth-rollout-home");
        cli = new CliRunner(Optional.of("http://127.0.0.1:" + manager.apiPort()), home);
    }

    @AfterAll
    void stopManager() {
        if (manager != null) {
            manager.close();
        }
    }

    private CliRunner.Run ok(String... args) {
        CliRunner.Run run = cli.run(args);
        assertThat(run.code()).as(run.toString()).isZero();
        return run;
    }

    private Service stored(String name) {
        return (Service) Codec.decodeAll(ok("get", "service", name, "-o", "yaml").out()).get(0);
    }

    @Test
    void restartAndForceMakeARevisionWithNothingElseChanged() {
        ok("service", "create", "--name", "bt-cli-restart", "--replicas", "2", "berth-examples/whoami:1");
        Service before = stored("bt-cli-restart");
        assertThat(ok("rollout", "restart", "service/bt-cli-restart", "--detach").out())
                .isEqualTo("service/bt-cli-restart updated (revision 2)\n");
        Service restarted = stored("bt-cli-restart");
        assertThat(restarted.spec().forceUpdate()).isEqualTo(1);
        assertThat(restarted.spec()).isEqualTo(before.spec().forcedUpdate());
        assertThat(restarted.status().revision()).isEqualTo(2);
        assertThat(ok("service", "update", "--force", "-d", "bt-cli-restart").out())
                .isEqualTo("service/bt-cli-restart updated (revision 3)\n");
        assertThat(stored("bt-cli-restart").spec().forceUpdate()).isEqualTo(2);
        assertThat(ok("rollout", "history", "bt-cli-restart").out()).contains("restart (forceUpdate 1 -> 2)");
        CliRunner.Run both = cli.run("service", "update", "--force", "--rollback", "bt-cli-restart");
        assertThat(both.code()).isEqualTo(2);
        assertThat(stored("bt-cli-restart").status().revision()).isEqualTo(3);
    }

    @Test
    void undoWithoutAnEarlierRevisionChangesNothing() {
        ok("service", "create", "--name", "bt-cli-single", "--replicas", "2", "berth-examples/whoami:1");
        Service before = stored("bt-cli-single");
        CliRunner.Run undo = cli.run("rollout", "undo", "service/bt-cli-single");
        assertThat(undo.code()).as(undo.toString()).isEqualTo(1);
        assertThat(undo.err()).startsWith("Error: ").contains("no revision before 1");
        CliRunner.Run rollback = cli.run("service", "rollback", "bt-cli-single");
        assertThat(rollback.code()).isEqualTo(1);
        CliRunner.Run missing = cli.run("rollout", "undo", "svc/bt-cli-single", "--to-revision", "7");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no revision 7");
        assertThat(stored("bt-cli-single").metadata().resourceVersion()).isEqualTo(before.metadata().resourceVersion());
        assertThat(ok("rollout", "history", "bt-cli-single").lines()).hasSize(3).last().asString()
                .startsWith("1 (current)");
        // bad flags: refused by the CLI, nothing asked
        CliRunner.Run bad = cli.run("service", "update", "--update-parallelism", "-1", "bt-cli-single");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("Error: --update-parallelism: must be >= 0, got -1");
        assertThat(stored("bt-cli-single").metadata().resourceVersion()).isEqualTo(before.metadata().resourceVersion());
    }

    @Test
    void updateRecordsRevisionsThatHistoryListsAndUndoReturnsTo() {
        ok("service", "create", "--name", "bt-cli-hist", "--replicas", "3", "berth-examples/whoami:1");
        // a scale and rollout settings: no new revision, nothing to wait for
        assertThat(ok("service", "update", "--replicas", "4", "--update-parallelism", "2", "bt-cli-hist").out())
                .isEqualTo("service/bt-cli-hist updated\n");
        assertThat(stored("bt-cli-hist").spec().update().parallelism()).isEqualTo(2);
        assertThat(ok("service", "update", "--replicas", "4", "bt-cli-hist").out())
                .isEqualTo("service/bt-cli-hist unchanged: nothing to update\n");
        // a new image: revision 2; no controller runs here, so the wait ends by --timeout
        CliRunner.Run update = cli.run("service", "update", "--image", "berth-examples/whoami:2", "--timeout", "1s",
                "bt-cli-hist");
        assertThat(update.code()).as(update.toString()).isEqualTo(1);
        // the write that recorded revision 2 started its rollout: no wait for a controller to notice
        assertThat(update.lines()).startsWith("service/bt-cli-hist updated (revision 2)",
                "Waiting for rollout of service \"bt-cli-hist\" (revision 2): 0 of 4 tasks updated...");
        assertThat(update.err()).startsWith("Error: timed out after 1s");
        assertThat(stored("bt-cli-hist").status().revision()).isEqualTo(2);

        List<String> history = ok("rollout", "history", "service/bt-cli-hist").lines();
        assertThat(history.get(0)).isEqualTo("service/bt-cli-hist");
        assertThat(history.get(1).split("\\s{2,}")).containsExactly("REVISION", "CREATED", "CHANGE-CAUSE");
        assertThat(history.get(2)).startsWith("1 ");
        assertThat(history.get(3)).startsWith("2 (current)").contains("berth-examples/whoami:2");
        assertThat(ok("rollout", "history", "bt-cli-hist", "--revision", "1").out())
                .startsWith("# service \"bt-cli-hist\", revision 1\n").contains("image: berth-examples/whoami:1");
        assertThat(cli.run("rollout", "history", "bt-cli-hist", "--revision", "9").err())
                .isEqualTo("Error: service \"bt-cli-hist\" has no revision 9 (see berth rollout history"
                        + " service/bt-cli-hist)\n");
        List<String> revs = ok("get", "rev", "-l", "berth.service=bt-cli-hist").lines();
        assertThat(revs.get(0).split("\\s{2,}")).containsExactly("NAME", "SERVICE", "REVISION", "AGE", "CHANGE-CAUSE");
        assertThat(revs).hasSize(3);
        assertThat(revs.get(2)).startsWith("bt-cli-hist-2");
        assertThat(ok("describe", "rev", "bt-cli-hist-2").out()).containsPattern("(?m)^Revision:\\s+2$")
                .containsPattern("(?m)^Image:\\s+berth-examples/whoami:2$")
                .containsPattern("(?m)^Change cause:\\s+.*berth-examples/whoami:2");

        // undo: revision 3 with revision 1's image, the replica count kept
        CliRunner.Run undo = cli.run("rollout", "undo", "service/bt-cli-hist", "--detach");
        assertThat(undo.code()).as(undo.toString()).isZero();
        assertThat(undo.out()).startsWith("service/bt-cli-hist rollback started (revision 3");
        Service back = stored("bt-cli-hist");
        assertThat(back.spec().image()).isEqualTo("berth-examples/whoami:1");
        assertThat(back.spec().replicas()).isEqualTo(4);
        assertThat(back.status().update().state()).isEqualTo(UpdateState.ROLLBACK_STARTED);
        assertThat(ok("service", "inspect", "--pretty", "bt-cli-hist").out())
                .containsPattern("(?m)^Revision:\\s+3$").containsPattern("(?m)^ State:\\s+rollback_started$");
        // rollout status sees a rollback under way: not a success
        CliRunner.Run status = cli.run("rollout", "status", "bt-cli-hist", "--timeout", "2s");
        assertThat(status.code()).as(status.toString()).isEqualTo(1);
        assertThat(status.err()).contains("rollback_started");

        // pause and resume the rollback; a second resume is refused and says why
        assertThat(ok("rollout", "pause", "service/bt-cli-hist").out()).isEqualTo("service \"bt-cli-hist\" paused\n");
        assertThat(stored("bt-cli-hist").status().update().state()).isEqualTo(UpdateState.ROLLBACK_PAUSED);
        CliRunner.Run paused = cli.run("rollout", "status", "bt-cli-hist");
        assertThat(paused.code()).isEqualTo(1);
        assertThat(paused.err()).contains("is paused (rollback_paused, revision 3): paused by a user");
        assertThat(ok("rollout", "resume", "bt-cli-hist").out()).isEqualTo("service \"bt-cli-hist\" resumed\n");
        assertThat(stored("bt-cli-hist").status().update().state()).isEqualTo(UpdateState.ROLLBACK_STARTED);
        CliRunner.Run again = cli.run("rollout", "resume", "bt-cli-hist");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).startsWith("Error: ").contains("no paused rollout");
    }
}
