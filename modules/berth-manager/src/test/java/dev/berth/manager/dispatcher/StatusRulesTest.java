package dev.berth.manager.dispatcher;

import static dev.berth.api.TaskState.ACCEPTED;
import static dev.berth.api.TaskState.ASSIGNED;
import static dev.berth.api.TaskState.COMPLETE;
import static dev.berth.api.TaskState.FAILED;
import static dev.berth.api.TaskState.PENDING;
import static dev.berth.api.TaskState.PREPARING;
import static dev.berth.api.TaskState.REMOVE;
import static dev.berth.api.TaskState.RUNNING;
import static dev.berth.api.TaskState.STARTING;
import static dev.berth.manager.dispatcher.Tasks.T0;
import static dev.berth.manager.dispatcher.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusRulesTest {

    private static final Instant NOW = T0.plusSeconds(60);

    private static TaskStatusUpdate update(String id, TaskState state, String message, String containerId) {
        return new TaskStatusUpdate(id, state, message, "", containerId, -1, T0.plusSeconds(30));
    }

    @ParameterizedTest(name = "{0} -> {1}: accepted={2}")
    @CsvSource({
            "ASSIGNED, ACCEPTED, true",
            "ASSIGNED, RUNNING, true",
            "STARTING, RUNNING, true",
            "RUNNING, FAILED, true",
            "RUNNING, STARTING, false",
            "RUNNING, ASSIGNED, false",
            "FAILED, RUNNING, false",
            "COMPLETE, FAILED, false",
            "COMPLETE, REMOVE, true",
            "PENDING, ASSIGNED, false",
            "ASSIGNED, PENDING, false",
    })
    void statesOnlyMoveForwardAndAgentsOwnTheirStates(TaskState from, TaskState to, boolean accepted) {
        Task t = task("t1", "n1", RUNNING, from);
        assertThat(StatusRules.apply(t, "n1", update("t1", to, "m", ""), NOW).isPresent()).isEqualTo(accepted);
    }

    @Test
    void anAcceptedUpdateCarriesMessageErrorContainerAndTimestamp() {
        Task t = task("t1", "n1", RUNNING, STARTING);
        TaskStatusUpdate u = new TaskStatusUpdate("t1", FAILED, "exited", "non-zero exit (1)", "c0ffee", 1,
                T0.plusSeconds(5));
        assertThat(StatusRules.apply(t, "n1", u, NOW)).contains(
                new TaskStatus(FAILED, "exited", "non-zero exit (1)", Optional.of(T0.plusSeconds(5)), "c0ffee"));
    }

    @Test
    void theContainerIdIsKeptWhenAnUpdateHasNone() {
        Task t = task("t1", "n1", RUNNING, STARTING);
        t = t.withStatus(StatusRules.apply(t, "n1", update("t1", STARTING, "created", "abc"), NOW).orElseThrow());
        assertThat(StatusRules.apply(t, "n1", update("t1", RUNNING, "started", ""), NOW).orElseThrow().containerId())
                .isEqualTo("abc");
    }

    @Test
    void theAddressIsStoredAndKeptWhenALaterUpdateHasNone() {
        Task t = task("t1", "n1", RUNNING, STARTING);
        TaskStatusUpdate started = new TaskStatusUpdate("t1", RUNNING, "started", "", "abc", -1, T0.plusSeconds(5),
                "10.42.1.7");
        t = t.withStatus(StatusRules.apply(t, "n1", started, NOW).orElseThrow());
        assertThat(t.status().address()).isEqualTo("10.42.1.7");
        // the same report again changes nothing; one that only adds nothing keeps the address
        assertThat(StatusRules.apply(t, "n1", started, NOW)).isEmpty();
        assertThat(StatusRules.apply(t, "n1", update("t1", FAILED, "exited", ""), NOW).orElseThrow().address())
                .isEqualTo("10.42.1.7");
        // a report that only brings a new address is news
        TaskStatusUpdate moved = new TaskStatusUpdate("t1", RUNNING, "started", "", "abc", -1, T0.plusSeconds(6),
                "10.42.1.8");
        assertThat(StatusRules.apply(t, "n1", moved, NOW).orElseThrow().address()).isEqualTo("10.42.1.8");
    }

    private static TaskStatusUpdate health(TaskState state, String message, String health) {
        return new TaskStatusUpdate("t1", state, message, "", "", -1, T0.plusSeconds(7), "", health);
    }

    @Test
    void aSameStateUpdateWithANewHealthIsStoredAndAnEmptyHealthKeepsTheLast() {
        Task t = task("t1", "n1", RUNNING, ASSIGNED);
        t = t.withStatus(StatusRules.apply(t, "n1", health(RUNNING, "started", "starting"), NOW).orElseThrow());
        assertThat(t.status().health()).isEqualTo("starting");
        // same state, same message: only the health is new, and that is news
        TaskStatus healthy = StatusRules.apply(t, "n1", health(RUNNING, "started", "healthy"), NOW).orElseThrow();
        assertThat(healthy.health()).isEqualTo("healthy");
        assertThat(healthy.state()).isEqualTo(RUNNING);
        t = t.withStatus(healthy);
        // a repeat, or an update without a health, changes nothing
        assertThat(StatusRules.apply(t, "n1", health(RUNNING, "started", "healthy"), NOW)).isEmpty();
        assertThat(StatusRules.apply(t, "n1", health(RUNNING, "started", ""), NOW)).isEmpty();
        // a word the API does not know is no news either
        assertThat(StatusRules.apply(t, "n1", health(RUNNING, "started", "HEALTHY!"), NOW)).isEmpty();
        t = t.withStatus(StatusRules.apply(t, "n1", health(RUNNING, "started", "unhealthy"), NOW).orElseThrow());
        assertThat(t.status().health()).isEqualTo("unhealthy");
        // the task leaves RUNNING: its last health stays, so describe shows why it was replaced
        TaskStatus failed = StatusRules.apply(t, "n1",
                new TaskStatusUpdate("t1", FAILED, "exited", "unhealthy container", "", 137, T0.plusSeconds(9)), NOW)
                .orElseThrow();
        assertThat(failed.state()).isEqualTo(FAILED);
        assertThat(failed.error()).isEqualTo("unhealthy container");
        assertThat(failed.health()).isEqualTo("unhealthy");
    }

    @Test
    void aTaskWithoutACheckHasNoHealth() {
        Task t = task("t1", "n1", RUNNING, ASSIGNED);
        assertThat(StatusRules.apply(t, "n1", update("t1", RUNNING, "started", "c1"), NOW).orElseThrow().health())
                .isEmpty();
    }

    @Test
    void anotherNodesTaskIsNotTouched() {
        Task t = task("t1", "n1", RUNNING, ASSIGNED);
        assertThat(StatusRules.apply(t, "n2", update("t1", RUNNING, "started", ""), NOW)).isEmpty();
        assertThat(StatusRules.apply(t, "n1", update("other", RUNNING, "started", ""), NOW)).isEmpty();
    }

    @Test
    void aRepeatIsDroppedButANewMessageIsNot() {
        Task t = task("t1", "n1", RUNNING, ASSIGNED);
        t = t.withStatus(StatusRules.apply(t, "n1", update("t1", RUNNING, "started", "c1"), NOW).orElseThrow());
        assertThat(StatusRules.apply(t, "n1", update("t1", RUNNING, "started", "c1"), NOW)).isEmpty();
        assertThat(StatusRules.apply(t, "n1", update("t1", RUNNING, "started", ""), NOW)).isEmpty();
        assertThat(StatusRules.apply(t, "n1", update("t1", RUNNING, "healthy", ""), NOW)).isPresent();
    }

    @Test
    void aBatchIsFoldedInOrderSkippingWhatWouldGoBack() {
        Task t = task("t1", "n1", RUNNING, ASSIGNED);
        List<TaskStatusUpdate> batch = List.of(update("t1", ACCEPTED, "accepted", ""),
                update("t1", PREPARING, "preparing", ""), update("t1", RUNNING, "started", "c9"),
                update("t1", STARTING, "late", ""));
        Task after = StatusRules.applyAll(t, "n1", batch, NOW).orElseThrow();
        assertThat(after.status().state()).isEqualTo(RUNNING);
        assertThat(after.status().message()).isEqualTo("started");
        assertThat(after.status().containerId()).isEqualTo("c9");
        assertThat(StatusRules.applyAll(after, "n1", List.of(update("t1", PENDING, "", "")), NOW)).isEmpty();
        assertThat(StatusRules.applyAll(task("t2", "n1", RUNNING, COMPLETE), "n1",
                List.of(update("t2", REMOVE, "", "")), NOW)).isPresent();
    }
}
