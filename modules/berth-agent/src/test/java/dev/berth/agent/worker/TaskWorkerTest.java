package dev.berth.agent.worker;

import static dev.berth.agent.worker.Tasks.desired;
import static dev.berth.agent.worker.Tasks.inState;
import static dev.berth.agent.worker.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.agent.RunningTask;
import dev.berth.agent.executor.ContainerEvent;
import dev.berth.agent.executor.ExecutorException;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.session.SessionMessage.Assignments;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TaskWorkerTest {

    private static final List<TaskState> UP_TO_RUNNING = List.of(TaskState.ACCEPTED, TaskState.PREPARING,
            TaskState.READY, TaskState.STARTING, TaskState.RUNNING);

    private final FakeExecutor engine = new FakeExecutor();
    private final List<TaskStatusUpdate> updates = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Map<String, RunningTask>> runningTasks = new AtomicReference<>(Map.of());
    private TaskWorker worker;

    @BeforeEach
    void startWorker() {
        worker = new TaskWorker(engine, updates::add, runningTasks::set,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), new DirectExecutorService())
                .start();
    }

    @AfterEach
    void closeWorker() {
        worker.close();
    }

    private List<TaskState> states(String taskId) {
        synchronized (updates) {
            return updates.stream().filter(u -> u.taskId().equals(taskId)).map(TaskStatusUpdate::state).toList();
        }
    }

    private TaskStatusUpdate last(String taskId) {
        synchronized (updates) {
            return updates.stream().filter(u -> u.taskId().equals(taskId)).reduce((a, b) -> b).orElseThrow();
        }
    }

    private void assign(Task... tasks) {
        worker.onAssignments(new Assignments(false, List.of(tasks), List.of()));
    }

    @Test
    void reportsEveryStateInOrderUpToRunning() {
        assign(task("t1", 1, "img:1"));

        assertThat(states("t1")).containsExactlyElementsOf(UP_TO_RUNNING);
        assertThat(engine.calls).containsExactly("prepare t1", "start c-t1");
        TaskStatusUpdate running = last("t1");
        assertThat(running.containerId()).isEqualTo("c-t1");
        assertThat(running.message()).isEqualTo("started");
        assertThat(running.timestamp()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(runningTasks.get()).containsOnlyKeys("t1");
        // no published port: its address is of no use here, and not asked for (one engine call less)
        assertThat(runningTasks.get().get("t1").containerIp()).isEmpty();
    }

    @Test
    void aContainerRestartedByHandIsLinkedAgainNotItsFirstStart() {
        assign(task("t1", 1, "img:1"));
        engine.fire("c-t1", ContainerEvent.Type.START, Optional.empty()); // the start the worker made
        assertThat(engine.calls).containsExactly("prepare t1", "start c-t1");

        engine.fire("c-t1", ContainerEvent.Type.START, Optional.empty()); // docker restart
        assertThat(engine.calls).containsExactly("prepare t1", "start c-t1", "reconnect c-t1");
        assertThat(states("t1")).containsExactlyElementsOf(UP_TO_RUNNING);
    }

    @Test
    void aTaskPublishingPortsIsNotInspectedEither() {
        assign(Tasks.withPorts(task("t1", 1, "img:1"), List.of(dev.berth.api.PortConfig.parse("8080:80"))));

        assertThat(states("t1")).containsExactlyElementsOf(UP_TO_RUNNING);
        // the cluster network gives the address before the create; without it nothing routes to it
        assertThat(engine.calls).containsExactly("prepare t1", "start c-t1");
        assertThat(runningTasks.get().get("t1").containerIp()).isEmpty();
    }

    @Test
    void exitZeroIsComplete() {
        assign(task("t1", 1, "img:1"));
        engine.exit("c-t1", 0);

        assertThat(states("t1")).endsWith(TaskState.RUNNING, TaskState.COMPLETE);
        assertThat(last("t1").exitCode()).isZero();
        assertThat(last("t1").error()).isEmpty();
        assertThat(runningTasks.get()).isEmpty();
    }

    @Test
    void nonZeroExitFailsWithTheCode() {
        assign(task("t1", 1, "img:1"));
        engine.exit("c-t1", 3);

        assertThat(states("t1")).endsWith(TaskState.RUNNING, TaskState.FAILED);
        assertThat(last("t1").error()).isEqualTo("non-zero exit (3)");
        assertThat(last("t1").exitCode()).isEqualTo(3);
        // a second die (e.g. after a stream reopen) changes nothing
        engine.fire("c-t1", ContainerEvent.Type.DIE, Optional.of(3));
        assertThat(states("t1")).containsOnlyOnce(TaskState.FAILED);
    }

    @Test
    void prepareFailureFailsWithTheExecutorsMessage() {
        engine.prepareFailures.put("t1", new ExecutorException.ImageNotFound("nope:1", null));
        assign(task("t1", 1, "nope:1"));

        assertThat(states("t1")).containsExactly(TaskState.ACCEPTED, TaskState.PREPARING, TaskState.FAILED);
        assertThat(last("t1").error()).isEqualTo("No such image: nope:1");
        assertThat(engine.calls).containsExactly("prepare t1");
    }

    @Test
    void startFailureFailsAndRemovesTheContainer() {
        engine.startFailures.put("t1", new ExecutorException.StartFailed(
                "exec: \"nope\": executable file not found in $PATH", null));
        assign(task("t1", 1, "img:1"));

        assertThat(states("t1")).containsExactly(TaskState.ACCEPTED, TaskState.PREPARING, TaskState.READY,
                TaskState.STARTING, TaskState.FAILED);
        assertThat(last("t1").error())
                .isEqualTo("container failed to start: exec: \"nope\": executable file not found in $PATH");
        assertThat(engine.calls).containsExactly("prepare t1", "start c-t1", "remove c-t1");
    }

    @Test
    void refusedTaskFailsBeforeAnythingIsPrepared() {
        worker.withAdmission(t -> Optional.of("port 4567 is already in use on this node"));
        assign(task("t1", 1, "img:1"));

        assertThat(states("t1")).containsExactly(TaskState.FAILED);
        assertThat(last("t1").error()).isEqualTo("port 4567 is already in use on this node");
        assertThat(engine.calls).isEmpty();
    }

    @Test
    void desiredShutdownStopsWithTheTemplatesSignalAndGraceThenRemoves() {
        Task t = Tasks.withCommand(task("t1", 1, "img:1"), List.of(), List.of(), "SIGINT", Duration.ofSeconds(3));
        assign(t);
        assign(desired(t, TaskState.SHUTDOWN));

        assertThat(states("t1")).endsWith(TaskState.RUNNING, TaskState.SHUTDOWN);
        assertThat(engine.calls).containsExactly("prepare t1", "start c-t1", "shutdown c-t1 SIGINT 3s", "remove c-t1");
        // the die the stop caused is not a failure
        assertThat(states("t1")).doesNotContain(TaskState.FAILED);
        assertThat(runningTasks.get()).isEmpty();
        assertThat(engine.containers).isEmpty();
    }

    @Test
    void removedTaskIsShutDownAndForgotten() {
        assign(task("t1", 1, "img:1"));
        worker.onAssignments(new Assignments(false, List.of(), List.of("t1")));

        assertThat(states("t1")).endsWith(TaskState.RUNNING, TaskState.SHUTDOWN);
        assertThat(engine.containers).isEmpty();
        assertThat(worker.taskStates()).isEmpty();
    }

    @Test
    void aFullSetWithoutTheTaskShutsItDown() {
        assign(task("t1", 1, "img:1"), task("t2", 2, "img:1"));
        worker.onAssignments(new Assignments(true, List.of(inState(task("t2", 2, "img:1"), TaskState.RUNNING)),
                List.of()));

        assertThat(states("t1")).endsWith(TaskState.SHUTDOWN);
        assertThat(states("t2")).containsExactlyElementsOf(UP_TO_RUNNING);
        assertThat(engine.containers).containsOnlyKeys("c-t2");
        assertThat(worker.taskStates()).containsOnlyKeys("t2");
    }

    @Test
    void aTaskAssignedAsShutdownIsReportedShutdownWithoutAContainer() {
        assign(desired(task("t1", 1, "img:1"), TaskState.SHUTDOWN));

        assertThat(states("t1")).containsExactly(TaskState.SHUTDOWN);
        assertThat(engine.calls).isEmpty();
    }

    @Test
    void neverReportsBackwards() {
        // the manager already saw PREPARING (an agent died while preparing): the new one starts
        // the task over but reports only later states
        assign(inState(task("t1", 1, "img:1"), TaskState.PREPARING));

        assertThat(states("t1")).containsExactly(TaskState.READY, TaskState.STARTING, TaskState.RUNNING);
    }

    @Test
    void adoptsRunningContainersOfAssignedTasksAndRemovesTheRest() {
        Task running = inState(task("t1", 1, "img:1"), TaskState.RUNNING);
        Task exitedMeanwhile = inState(task("t2", 2, "img:1"), TaskState.RUNNING);
        Task fresh = task("t4", 4, "img:1");
        engine.existing("old-t1", running, true, -1);
        engine.existing("old-t2", exitedMeanwhile, false, 2);
        engine.existing("old-t3", task("t3", 3, "img:1"), true, -1);   // not assigned any more
        engine.existing("old-t4", fresh, false, -1);                    // created, never started

        worker.onAssignments(new Assignments(true, List.of(running, exitedMeanwhile, fresh), List.of()));

        assertThat(states("t1")).containsExactly(TaskState.RUNNING);
        assertThat(last("t1").containerId()).isEqualTo("old-t1");
        assertThat(last("t1").message()).contains("adopted");
        assertThat(states("t2")).containsExactly(TaskState.FAILED);
        assertThat(last("t2").error()).isEqualTo("non-zero exit (2)");
        assertThat(states("t4")).containsExactlyElementsOf(UP_TO_RUNNING);
        assertThat(engine.calls).contains("shutdown old-t3 " + "" + " 10s", "remove old-t3", "remove old-t2",
                "remove old-t4", "prepare t4").doesNotContain("prepare t1", "prepare t2", "remove old-t1");
        assertThat(engine.containers).containsOnlyKeys("old-t1", "c-t4");
        assertThat(runningTasks.get()).containsOnlyKeys("t1", "t4");
        assertThat(runningTasks.get().get("t1").containerId()).isEqualTo("old-t1");

        // the adopted container is watched like any other
        engine.exit("old-t1", 0);
        assertThat(states("t1")).containsExactly(TaskState.RUNNING, TaskState.COMPLETE);
    }

    @Test
    void aSecondFullSetAdoptsNothingTwice() {
        Task t = task("t1", 1, "img:1");
        assign(t);
        worker.onAssignments(new Assignments(true, List.of(inState(t, TaskState.RUNNING)), List.of()));

        assertThat(states("t1")).containsExactlyElementsOf(UP_TO_RUNNING);
        assertThat(engine.calls).containsExactly("prepare t1", "start c-t1");
    }

    @Test
    void aRunningTaskWhoseContainerIsGoneFails() {
        worker.onAssignments(new Assignments(true, List.of(inState(task("t1", 1, "img:1"), TaskState.RUNNING)),
                List.of()));

        assertThat(states("t1")).containsExactly(TaskState.FAILED);
        assertThat(last("t1").error()).contains("container is gone");
    }

    @Test
    void containerRemovedFromOutsideFailsTheTask() {
        assign(task("t1", 1, "img:1"));
        engine.fire("c-t1", ContainerEvent.Type.DESTROY, Optional.empty());

        assertThat(states("t1")).endsWith(TaskState.FAILED);
        assertThat(last("t1").error()).contains("removed");
    }
}
