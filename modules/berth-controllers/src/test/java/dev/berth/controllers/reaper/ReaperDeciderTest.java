package dev.berth.controllers.reaper;

import static dev.berth.controllers.Fixtures.global;
import static dev.berth.controllers.Fixtures.replicated;
import static dev.berth.controllers.Fixtures.running;
import static dev.berth.controllers.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.RestartCondition;
import dev.berth.api.RestartPolicy;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.controllers.Fixtures;
import dev.berth.controllers.service.RestartDecider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReaperDeciderTest {

    private static final Service WEB = replicated("web", 2);

    private static List<String> ids(List<Task> tasks) {
        return tasks.stream().map(Task::id).sorted().toList();
    }

    /** {@code n} shut-down tasks of slot 1, h0 the oldest. */
    private static List<Task> history(Service svc, int n, TaskState state) {
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(task(svc, "h" + i, 1, "n1", TaskState.SHUTDOWN, state, i));
        }
        return tasks;
    }

    @Test
    void keepsTheNewestHistoryPerSlotAndDeletesOlderTerminalTasks() {
        List<Task> tasks = new ArrayList<>(history(WEB, 8, TaskState.SHUTDOWN));
        tasks.add(running(WEB, "live1", 1, "n1"));
        tasks.add(running(WEB, "live2", 2, "n2"));
        assertThat(ids(ReaperDecider.toDelete("web", Optional.of(WEB), tasks, 5))).containsExactly("h0", "h1", "h2");
    }

    @Test
    void historyUnderTheLimitIsKept() {
        assertThat(ReaperDecider.toDelete("web", Optional.of(WEB), history(WEB, 5, TaskState.FAILED), 5)).isEmpty();
    }

    @Test
    void theLimitCountsPerSlot() {
        List<Task> tasks = new ArrayList<>(history(WEB, 3, TaskState.SHUTDOWN));
        for (int i = 0; i < 3; i++) {
            tasks.add(task(WEB, "s2h" + i, 2, "n2", TaskState.SHUTDOWN, TaskState.COMPLETE, i));
        }
        assertThat(ids(ReaperDecider.toDelete("web", Optional.of(WEB), tasks, 2))).containsExactly("h0", "s2h0");
    }

    @Test
    void oldTasksStillAssignedToANodeAreNotDeleted() {
        // desired SHUTDOWN but an agent may still run it: only terminal or never-assigned tasks go
        List<Task> tasks = new ArrayList<>(history(WEB, 3, TaskState.ASSIGNED));
        tasks.add(task(WEB, "neverAssigned", 1, "", TaskState.SHUTDOWN, TaskState.PENDING, -1));
        assertThat(ids(ReaperDecider.toDelete("web", Optional.of(WEB), tasks, 1))).containsExactly("neverAssigned");
    }

    @Test
    void tasksOfADeletedServiceGoOnceTerminalOrNeverAssigned() {
        List<Task> tasks = List.of(
                task(WEB, "done", 1, "n1", TaskState.SHUTDOWN, TaskState.SHUTDOWN, 0),
                task(WEB, "new", 2, "", TaskState.SHUTDOWN, TaskState.NEW, 0),
                task(WEB, "stopping", 2, "n1", TaskState.SHUTDOWN, TaskState.RUNNING, 0),
                running(WEB, "live", 1, "n1"));
        assertThat(ids(ReaperDecider.toDelete("web", Optional.empty(), tasks, 5))).containsExactly("done", "new");
    }

    @Test
    void tasksOfSlotsAboveReplicasGoOnceTerminal() {
        Service one = replicated("web", 1);
        List<Task> tasks = List.of(
                task(one, "slot2done", 2, "n1", TaskState.SHUTDOWN, TaskState.SHUTDOWN, 0),
                task(one, "slot2assigned", 2, "n1", TaskState.SHUTDOWN, TaskState.ASSIGNED, 0),
                task(one, "slot1done", 1, "n1", TaskState.SHUTDOWN, TaskState.SHUTDOWN, 0));
        assertThat(ids(ReaperDecider.toDelete("web", Optional.of(one), tasks, 5))).containsExactly("slot2done");
    }

    @Test
    void globalHistoryIsCountedPerNode() {
        Service agent = global("agent");
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(task(agent, "a" + i, 0, "n1", TaskState.SHUTDOWN, TaskState.FAILED, i));
            tasks.add(task(agent, "b" + i, 0, "n2", TaskState.SHUTDOWN, TaskState.FAILED, i));
        }
        assertThat(ids(ReaperDecider.toDelete("agent", Optional.of(agent), tasks, 1)))
                .containsExactly("a0", "a1", "b0", "b1");
    }

    @Test
    void zeroLimitDeletesAllHistoryAndNegativeKeepsAll() {
        assertThat(ReaperDecider.toDelete("web", Optional.of(WEB), history(WEB, 3, TaskState.SHUTDOWN), 0)).hasSize(3);
        assertThat(ReaperDecider.toDelete("web", Optional.of(WEB), history(WEB, 3, TaskState.SHUTDOWN), -1)).isEmpty();
    }

    private static Service withPolicy(int maxAttempts) {
        ServiceSpec spec = new ServiceSpec("example/whoami:1", ServiceMode.REPLICATED, 1, null, null, null, null,
                null, null, new RestartPolicy(RestartCondition.ANY, Duration.ZERO, maxAttempts, Duration.ZERO),
                null, null, null, null, null);
        return Fixtures.service("web", spec);
    }

    /** Slot 1's task {@code id}, created at T0 + second, that stopped on its own and was handled. */
    private static Task attempt(Service svc, String id, int second, boolean replaced) {
        Task t = task(svc, id, 1, "n1", TaskState.RUNNING, TaskState.FAILED, second);
        Instant at = Fixtures.T0.plusSeconds(second + 1);
        return RestartDecider.stamp(t, at, replaced ? Optional.of(at) : Optional.empty());
    }

    @Test
    void aTaskAwaitingItsRestartDecisionIsKept() {
        Service svc = withPolicy(0);
        Task stopped = task(svc, "stopped", 1, "n1", TaskState.RUNNING, TaskState.FAILED, 5);
        List<Task> tasks = new ArrayList<>(history(svc, 2, TaskState.SHUTDOWN));
        tasks.add(stopped);
        assertThat(ids(ReaperDecider.toDelete("web", Optional.of(svc), tasks, 0))).containsExactly("h0", "h1");
    }

    @Test
    void theNewestRestartAttemptOfASlotIsKeptEvenWithLimitZero() {
        Service svc = withPolicy(0);
        List<Task> tasks = List.of(attempt(svc, "a0", 0, true), attempt(svc, "a1", 10, false));
        assertThat(ids(ReaperDecider.toDelete("web", Optional.of(svc), tasks, 0))).containsExactly("a0");
    }

    @Test
    void attemptsThatCountAgainstMaxAttemptsAreKept() {
        Service svc = withPolicy(3);
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(attempt(svc, "a" + i, i * 10, true));
        }
        tasks.add(task(svc, "scaled", 1, "n1", TaskState.SHUTDOWN, TaskState.SHUTDOWN, -10));
        // limit 1 would keep only a4; the policy still needs a2..a4 to count three attempts
        assertThat(ids(ReaperDecider.toDelete("web", Optional.of(svc), tasks, 1)))
                .containsExactly("a0", "a1", "scaled");
    }
}
