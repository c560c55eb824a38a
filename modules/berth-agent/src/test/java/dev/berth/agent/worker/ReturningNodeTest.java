package dev.berth.agent.worker;

import static dev.berth.agent.worker.Tasks.desired;
import static dev.berth.agent.worker.Tasks.inState;
import static dev.berth.agent.worker.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.agent.RunningTask;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.session.SessionMessage.Assignments;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node that was marked down comes back: meanwhile the manager replaced its tasks elsewhere and
 * set theirs to desiredState SHUTDOWN (or deleted them). Whether its agent merely reconnected
 * (it still drives the tasks) or restarted (it finds the containers on the engine), the full set
 * it gets must leave none of them running: after convergence never two running copies of a slot.
 */
class ReturningNodeTest {

    private final FakeExecutor engine = new FakeExecutor();
    private final List<TaskStatusUpdate> updates = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Map<String, RunningTask>> runningTasks = new AtomicReference<>(Map.of());
    private TaskWorker worker = newWorker();

    private TaskWorker newWorker() {
        return new TaskWorker(engine, updates::add, runningTasks::set,
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

    private void full(Task... tasks) {
        worker.onAssignments(new Assignments(true, List.of(tasks), List.of()));
    }

    @Test
    void aReconnectedAgentStopsTasksNowDesiredShutdownAndThoseNoLongerAssigned() {
        Task t1 = task("t1", 1, "img:1");
        Task t2 = task("t2", 2, "img:1");
        Task t3 = task("t3", 3, "img:1");
        full(t1, t2, t3);
        assertThat(engine.containers).containsOnlyKeys("c-t1", "c-t2", "c-t3");

        // back after being down: t1 stays, t2 was replaced elsewhere (desired SHUTDOWN, its
        // status still the RUNNING the manager last saw), t3 was already deleted by the reaper
        full(inState(t1, TaskState.RUNNING), desired(inState(t2, TaskState.RUNNING), TaskState.SHUTDOWN));

        assertThat(states("t2")).endsWith(TaskState.SHUTDOWN);
        assertThat(states("t3")).endsWith(TaskState.SHUTDOWN);
        assertThat(engine.calls).contains("remove c-t2", "remove c-t3").doesNotContain("remove c-t1");
        assertThat(engine.containers).containsOnlyKeys("c-t1");
        assertThat(runningTasks.get()).containsOnlyKeys("t1");
        // t2 stays known, stopped, until the manager stops assigning it (its status reached it)
        assertThat(worker.taskStates()).containsExactlyInAnyOrderEntriesOf(
                Map.of("t1", TaskState.RUNNING, "t2", TaskState.SHUTDOWN));
    }

    @Test
    void aRestartedAgentRemovesContainersOfTasksDesiredShutdownOrGone() {
        Task kept = inState(task("t1", 1, "img:1"), TaskState.RUNNING);
        Task replaced = desired(inState(task("t2", 2, "img:1"), TaskState.RUNNING), TaskState.SHUTDOWN);
        engine.existing("old-t1", kept, true, -1);
        engine.existing("old-t2", replaced, true, -1);
        engine.existing("old-t3", task("t3", 3, "img:1"), true, -1);

        full(kept, replaced);

        assertThat(engine.calls).contains("remove old-t2", "remove old-t3").doesNotContain("remove old-t1")
                .noneMatch(c -> c.startsWith("prepare"));
        assertThat(engine.containers).containsOnlyKeys("old-t1");
        assertThat(runningTasks.get()).containsOnlyKeys("t1");
        // the replaced task ends reported SHUTDOWN, never running again here
        assertThat(states("t2")).doesNotContain(TaskState.RUNNING).endsWith(TaskState.SHUTDOWN);
    }
}
