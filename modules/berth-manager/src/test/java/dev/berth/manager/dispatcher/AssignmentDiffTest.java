package dev.berth.manager.dispatcher;

import static dev.berth.api.TaskState.ASSIGNED;
import static dev.berth.api.TaskState.COMPLETE;
import static dev.berth.api.TaskState.FAILED;
import static dev.berth.api.TaskState.PENDING;
import static dev.berth.api.TaskState.RUNNING;
import static dev.berth.api.TaskState.SHUTDOWN;
import static dev.berth.manager.dispatcher.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Task;
import dev.berth.api.TaskStatus;
import dev.berth.manager.dispatcher.AssignmentDiff.Change;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AssignmentDiffTest {

    @Test
    void theSetHoldsAssignedTasksUntilTheyStop() {
        assertThat(AssignmentDiff.assigned(task("t", "n1", RUNNING, PENDING), "n1")).isFalse();
        assertThat(AssignmentDiff.assigned(task("t", "n1", RUNNING, ASSIGNED), "n1")).isTrue();
        assertThat(AssignmentDiff.assigned(task("t", "n1", RUNNING, RUNNING), "n1")).isTrue();
        assertThat(AssignmentDiff.assigned(task("t", "n1", SHUTDOWN, RUNNING), "n1"))
                .as("desired shutdown, still running: the agent must stop it").isTrue();
        assertThat(AssignmentDiff.assigned(task("t", "n1", RUNNING, FAILED), "n1")).isFalse();
        assertThat(AssignmentDiff.assigned(task("t", "n1", SHUTDOWN, COMPLETE), "n1")).isFalse();
        assertThat(AssignmentDiff.assigned(task("t", "n1", RUNNING, RUNNING), "n2")).isFalse();
        assertThat(AssignmentDiff.assigned(task("t", "", RUNNING, RUNNING), "")).isFalse();
    }

    @Test
    void schedulingAddsTheTaskToItsNode() {
        Task pending = task("t", "", RUNNING, PENDING);
        Task assigned = task("t", "n1", RUNNING, ASSIGNED);
        assertThat(AssignmentDiff.diff(Optional.of(pending), Optional.of(assigned)))
                .containsExactly(new Change("n1", Optional.of(assigned), Optional.empty()));
        assertThat(AssignmentDiff.diff(Optional.empty(), Optional.of(assigned)))
                .containsExactly(new Change("n1", Optional.of(assigned), Optional.empty()));
        assertThat(AssignmentDiff.diff(Optional.empty(), Optional.of(pending))).isEmpty();
    }

    @Test
    void aStatusOnlyChangeIsNotSentBack() {
        Task assigned = task("t", "n1", RUNNING, ASSIGNED);
        Task running = assigned.withStatus(TaskStatus.of(RUNNING, "started", Tasks.T0));
        assertThat(AssignmentDiff.diff(Optional.of(assigned), Optional.of(running))).isEmpty();
    }

    @Test
    void aNewDesiredStateIsSent() {
        Task running = task("t", "n1", RUNNING, RUNNING);
        Task stop = running.withSpec(running.spec().withDesiredState(SHUTDOWN));
        assertThat(AssignmentDiff.diff(Optional.of(running), Optional.of(stop)))
                .containsExactly(new Change("n1", Optional.of(stop), Optional.empty()));
    }

    @Test
    void stoppingDeletingAndMovingRemoveTheTaskFromItsNode() {
        Task running = task("t", "n1", RUNNING, RUNNING);
        Change removed = new Change("n1", Optional.empty(), Optional.of("t"));
        assertThat(AssignmentDiff.diff(Optional.of(running),
                Optional.of(running.withStatus(TaskStatus.of(FAILED, "exited", Tasks.T0)))))
                .containsExactly(removed);
        assertThat(AssignmentDiff.diff(Optional.of(running), Optional.empty())).containsExactly(removed);
        Task moved = running.withSpec(running.spec().withNodeId("n2"));
        assertThat(AssignmentDiff.diff(Optional.of(running), Optional.of(moved)))
                .containsExactly(removed, new Change("n2", Optional.of(moved), Optional.empty()));
        // deleting a task that had already stopped concerns nobody
        assertThat(AssignmentDiff.diff(Optional.of(task("t", "n1", SHUTDOWN, COMPLETE)), Optional.empty()))
                .isEqualTo(List.of());
    }
}
