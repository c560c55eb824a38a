package dev.berth.controllers.rollout;

import static dev.berth.controllers.Fixtures.T0;
import static dev.berth.controllers.rollout.RolloutFixtures.annotated;
import static dev.berth.controllers.rollout.RolloutFixtures.apply;
import static dev.berth.controllers.rollout.RolloutFixtures.config;
import static dev.berth.controllers.rollout.RolloutFixtures.replace;
import static dev.berth.controllers.rollout.RolloutFixtures.running;
import static dev.berth.controllers.rollout.RolloutFixtures.service;
import static dev.berth.controllers.rollout.RolloutFixtures.spec;
import static dev.berth.controllers.rollout.RolloutFixtures.stoppedByAgents;
import static dev.berth.controllers.rollout.RolloutFixtures.task;
import static dev.berth.controllers.rollout.RolloutFixtures.withError;
import static dev.berth.controllers.rollout.RolloutFixtures.withHealth;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.FailureAction;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.UpdateConfig;
import dev.berth.api.UpdateOrder;
import dev.berth.api.UpdateState;
import dev.berth.api.UpdateStatus;
import dev.berth.controllers.service.RestartDecider;
import dev.berth.controllers.service.ServiceReconciler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rollout planner's decisions, step by step: the test plays the service controller (creates
 * the replacements) and the agents (moves them to RUNNING) between two plans.
 */
class RolloutPlannerTest {

    /** When the rollout under test started. */
    private static final Instant START = T0.plusSeconds(100);
    /** When the outdated tasks started running. */
    private static final Instant OLD_SINCE = T0.plusSeconds(10);

    private static UpdateConfig stopFirst(int parallelism) {
        return config(parallelism, 0, FailureAction.PAUSE, 5, 0, UpdateOrder.STOP_FIRST);
    }

    /** A rollout of {@code v2} (revision 2) in progress since START. */
    private static Service rolling(ServiceSpec v2) {
        return service(v2, 2, UpdateStatus.started(UpdateState.UPDATING, 2, START, ""));
    }

    /** Running tasks old1..oldN of {@code v1} in slots 1..n. */
    private static List<Task> old(ServiceSpec v1, int n) {
        List<Task> tasks = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            tasks.add(running(v1, "old" + i, i, OLD_SINCE));
        }
        return tasks;
    }

    /** A task of {@code spec} just created by the service controller in {@code slot}. */
    private static Task created(ServiceSpec spec, String id, int slot, Instant at) {
        return task(spec, id, slot, "", TaskState.RUNNING, TaskState.NEW, at, at);
    }

    /** A task of {@code spec} in {@code slot} created at {@code created} that stopped in {@code state} on its own. */
    private static Task stopped(ServiceSpec spec, String id, int slot, TaskState state, Instant created,
            Instant stoppedAt) {
        return task(spec, id, slot, "n1", TaskState.RUNNING, state, created, stoppedAt);
    }

    private static RolloutPlanner.Plan plan(Service svc, List<Task> tasks, Instant now) {
        return RolloutPlanner.plan(svc, tasks, now);
    }

    /** Ids of the tasks the plan shuts down. */
    private static List<String> shutDown(RolloutPlanner.Plan plan) {
        return plan.tasks().stream().filter(t -> t.spec().desiredState() == TaskState.SHUTDOWN).map(Task::id)
                .toList();
    }

    /** Ids of the tasks the plan marks for a start-first replacement (and leaves running). */
    private static List<String> marked(RolloutPlanner.Plan plan) {
        return plan.tasks().stream().filter(t -> t.spec().desiredState() == TaskState.RUNNING)
                .peek(t -> assertThat(t.metadata().annotations()).containsKey(ServiceReconciler.START_REPLACEMENT))
                .map(Task::id).toList();
    }

    @Test
    void aNewRevisionStartsARolloutAndItsFirstBatch() {
        ServiceSpec v1 = spec("a:1", 3, stopFirst(1));
        ServiceSpec v2 = spec("a:2", 3, stopFirst(1));
        UpdateStatus previous = UpdateStatus.started(UpdateState.UPDATING, 1, T0, "").ended(UpdateState.COMPLETED,
                T0.plusSeconds(5), "update completed");
        Service svc = service(v2, 2, previous);

        RolloutPlanner.Plan p = plan(svc, old(v1, 3), START);

        assertThat(p.update()).contains(UpdateStatus.started(UpdateState.UPDATING, 2, START, ""));
        assertThat(p.rollback()).isEmpty();
        assertThat(shutDown(p)).containsExactly("old1");
        assertThat(p.tasks().get(0).status().state()).as("a running task's status is its agent's")
                .isEqualTo(TaskState.RUNNING);
    }

    @Test
    void aServiceWithoutRevisionsHasNothingToRollOut() {
        ServiceSpec v2 = spec("a:2", 2, stopFirst(1));
        Service legacy = service(v2, 0, UpdateStatus.NONE);
        assertThat(plan(legacy, old(spec("a:1", 2, stopFirst(1)), 2), START).isEmpty()).isTrue();
    }

    @Test
    void stopFirstKeepsAtMostParallelismPlacesInFlight() {
        ServiceSpec v1 = spec("a:1", 6, stopFirst(2));
        ServiceSpec v2 = spec("a:2", 6, stopFirst(2));
        Service svc = rolling(v2);
        List<Task> tasks = old(v1, 6);

        RolloutPlanner.Plan p = plan(svc, tasks, START.plusSeconds(1));
        assertThat(shutDown(p)).containsExactly("old1", "old2");
        assertThat(p.tasks()).hasSize(2);
        assertThat(p.update()).isEmpty();

        // the shut-down tasks' slots are empty until the service controller refills them
        tasks = apply(tasks, p.tasks());
        assertThat(plan(svc, tasks, START.plusSeconds(1)).tasks()).as("slots being refilled are in flight")
                .isEmpty();

        Instant createdAt = START.plusSeconds(2);
        tasks = apply(tasks, List.of(), created(v2, "new1", 1, createdAt), created(v2, "new2", 2, createdAt));
        p = plan(svc, tasks, START.plusSeconds(2));
        assertThat(p.tasks()).as("replacements not running yet").isEmpty();
        assertThat(p.wakeAt()).isEmpty();

        Instant up = START.plusSeconds(3);
        tasks = apply(tasks, List.of(running(v2, "new1", 1, up), running(v2, "new2", 2, up)));
        assertThat(plan(svc, tasks, up.plusSeconds(5)).tasks()).as("old tasks not reported stopped yet")
                .isEmpty();

        tasks = stoppedByAgents(tasks, up);
        p = plan(svc, tasks, up.plusSeconds(4));
        assertThat(p.tasks()).as("replacements up for less than the monitor").isEmpty();
        assertThat(p.wakeAt()).as("look again when the monitor ends").contains(up.plusSeconds(5));

        p = plan(svc, tasks, up.plusSeconds(5));
        assertThat(shutDown(p)).containsExactly("old3", "old4");
        assertThat(p.update()).isEmpty();
    }

    @Test
    void anOldTaskOnADownNodeIsNotWaitedFor() {
        ServiceSpec v1 = spec("a:1", 3, stopFirst(1));
        ServiceSpec v2 = spec("a:2", 3, stopFirst(1));
        Instant up = START.plusSeconds(3);
        List<Task> tasks = new ArrayList<>(old(v1, 3));
        // old1 was shut down, its node went down before its agent reported it stopped
        tasks.set(0, ServiceReconciler.shutdownOf(tasks.get(0), START, "updating"));
        tasks.add(running(v2, "new1", 1, up));

        assertThat(RolloutPlanner.plan(rolling(v2), tasks, java.util.Set.of(), up.plusSeconds(5)).tasks())
                .as("waits for old1 to stop").isEmpty();
        assertThat(shutDown(RolloutPlanner.plan(rolling(v2), tasks, java.util.Set.of("n1"), up.plusSeconds(5))))
                .containsExactly("old2");
    }

    @Test
    void parallelismZeroReplacesEverythingAtOnce() {
        ServiceSpec v1 = spec("a:1", 6, stopFirst(0));
        ServiceSpec v2 = spec("a:2", 6, stopFirst(0));
        RolloutPlanner.Plan p = plan(rolling(v2), old(v1, 6), START);
        assertThat(shutDown(p)).containsExactlyInAnyOrder("old1", "old2", "old3", "old4", "old5", "old6");
    }

    @Test
    void theNextBatchStartsADelayAfterTheLastPlaceWasDone() {
        UpdateConfig withDelay = config(1, 3, FailureAction.PAUSE, 5, 0, UpdateOrder.STOP_FIRST);
        ServiceSpec v1 = spec("a:1", 3, withDelay);
        ServiceSpec v2 = spec("a:2", 3, withDelay);
        Instant up = START.plusSeconds(10);
        List<Task> tasks = new ArrayList<>(old(v1, 3));
        tasks.set(0, running(v2, "new1", 1, up));

        RolloutPlanner.Plan p = plan(rolling(v2), tasks, up.plusSeconds(5));
        assertThat(p.tasks()).as("monitor over, delay not").isEmpty();
        assertThat(p.wakeAt()).contains(up.plusSeconds(8));

        p = plan(rolling(v2), tasks, up.plusSeconds(8));
        assertThat(shutDown(p)).containsExactly("old2");
    }

    @Test
    void brokenOutdatedTasksAreReplacedFirst() {
        ServiceSpec v1 = spec("a:1", 3, stopFirst(1));
        ServiceSpec v2 = spec("a:2", 3, stopFirst(1));
        List<Task> tasks = new ArrayList<>(old(v1, 3));
        tasks.set(2, task(v1, "old3", 3, "n1", TaskState.RUNNING, TaskState.ASSIGNED, OLD_SINCE, OLD_SINCE));
        assertThat(shutDown(plan(rolling(v2), tasks, START))).as("not running").containsExactly("old3");

        tasks = new ArrayList<>(old(v1, 3));
        tasks.set(1, withHealth(tasks.get(1), "unhealthy"));
        assertThat(shutDown(plan(rolling(v2), tasks, START))).as("unhealthy").containsExactly("old2");
    }

    @Test
    void startFirstMarksTheOutdatedTaskAndShutsItDownOnceItsReplacementIsUp() {
        UpdateConfig startFirst = config(1, 0, FailureAction.PAUSE, 5, 0, UpdateOrder.START_FIRST);
        ServiceSpec v1 = spec("a:1", 3, startFirst);
        ServiceSpec v2 = spec("a:2", 3, startFirst);
        Service svc = rolling(v2);
        List<Task> tasks = old(v1, 3);

        RolloutPlanner.Plan p = plan(svc, tasks, START);
        assertThat(shutDown(p)).as("nothing stops before its replacement runs").isEmpty();
        assertThat(marked(p)).containsExactly("old1");
        assertThat(p.tasks().get(0).metadata().annotations())
                .containsEntry(ServiceReconciler.START_REPLACEMENT, "2");
        assertThat(p.tasks().get(0).metadata().resourceVersion()).as("a CAS on the read version")
                .isEqualTo(tasks.get(0).metadata().resourceVersion());

        tasks = apply(tasks, p.tasks());
        assertThat(plan(svc, tasks, START).tasks()).as("marked place is in flight").isEmpty();

        tasks = apply(tasks, List.of(), created(v2, "new1", 1, START.plusSeconds(1)));
        assertThat(plan(svc, tasks, START.plusSeconds(1)).tasks()).as("replacement not up yet").isEmpty();

        Instant up = START.plusSeconds(3);
        tasks = replace(tasks, running(v2, "new1", 1, up));
        p = plan(svc, tasks, up);
        assertThat(shutDown(p)).containsExactly("old1");
        assertThat(marked(p)).as("the next place waits for the monitor").isEmpty();

        tasks = apply(tasks, p.tasks());
        assertThat(plan(svc, tasks, up.plusSeconds(5)).tasks()).as("old1 still stopping: in flight").isEmpty();
        tasks = stoppedByAgents(tasks, up.plusSeconds(1));
        p = plan(svc, tasks, up.plusSeconds(1));
        assertThat(p.tasks()).isEmpty();
        assertThat(p.wakeAt()).contains(up.plusSeconds(5));
        p = plan(svc, tasks, up.plusSeconds(5));
        assertThat(marked(p)).containsExactly("old2");
        assertThat(shutDown(p)).isEmpty();
    }

    @Test
    void aStaleStartFirstMarkIsMarkedAgainWithinParallelism() {
        UpdateConfig startFirst = config(1, 0, FailureAction.PAUSE, 5, 0, UpdateOrder.START_FIRST);
        ServiceSpec v1 = spec("a:1", 3, startFirst);
        ServiceSpec v4 = spec("a:4", 3, startFirst);
        Service svc = service(v4, 4, UpdateStatus.started(UpdateState.UPDATING, 4, START, ""));
        // marks left by a rollout to revision 2 that was rolled back
        List<Task> tasks = new ArrayList<>();
        for (Task t : old(v1, 3)) {
            tasks.add(annotated(t, ServiceReconciler.START_REPLACEMENT, "2"));
        }

        RolloutPlanner.Plan p = plan(svc, tasks, START);

        assertThat(marked(p)).as("not in flight: the service controller ignores them").containsExactly("old1");
        assertThat(p.tasks().get(0).metadata().annotations()).containsEntry(ServiceReconciler.START_REPLACEMENT,
                "4");
    }

    @Test
    void theRolloutCompletesOnceEveryPlaceIsDone() {
        ServiceSpec v2 = spec("a:2", 3, stopFirst(1));
        Instant up = START.plusSeconds(10);
        List<Task> tasks = List.of(running(v2, "new1", 1, START.plusSeconds(2)), running(v2, "new2", 2, up),
                running(v2, "new3", 3, START.plusSeconds(5)));

        RolloutPlanner.Plan p = plan(rolling(v2), tasks, up.plusSeconds(4));
        assertThat(p.update()).as("the last place is still monitored").isEmpty();
        assertThat(p.wakeAt()).contains(up.plusSeconds(5));

        p = plan(rolling(v2), tasks, up.plusSeconds(5));
        assertThat(p.update()).contains(new UpdateStatus(UpdateState.COMPLETED, 2, Optional.of(START),
                Optional.of(up.plusSeconds(5)), "update completed"));
        assertThat(p.tasks()).isEmpty();

        Service completed = rolling(v2).withStatus(rolling(v2).status().withUpdate(p.update().get()));
        assertThat(plan(completed, tasks, up.plusSeconds(6)).isEmpty()).as("a completed rollout stays completed")
                .isTrue();
    }

    @Test
    void aRollbackFollowsTheRollbackConfigAndCompletesAsARollback() {
        UpdateConfig slowUpdate = config(1, 0, FailureAction.PAUSE, 30, 0, UpdateOrder.STOP_FIRST);
        UpdateConfig fastRollback = config(0, 0, FailureAction.PAUSE, 0, 0, UpdateOrder.STOP_FIRST);
        ServiceSpec v1 = spec("a:1", ServiceMode.REPLICATED, 3, slowUpdate, fastRollback);
        ServiceSpec v2 = spec("a:2", ServiceMode.REPLICATED, 3, slowUpdate, fastRollback);
        // revision 3 is v1 again: the tasks of v2 are the outdated ones
        Service svc = service(v1, 3, UpdateStatus.started(UpdateState.ROLLBACK_STARTED, 3, START, "rolling back"));
        List<Task> tasks = List.of(running(v2, "b1", 1, START.minusSeconds(5)), running(v2, "b2", 2,
                START.minusSeconds(5)), running(v2, "b3", 3, START.minusSeconds(5)));

        RolloutPlanner.Plan p = plan(svc, tasks, START);
        assertThat(shutDown(p)).as("rollback parallelism 0").containsExactlyInAnyOrder("b1", "b2", "b3");

        Instant up = START.plusSeconds(2);
        List<Task> back = List.of(running(v1, "r1", 1, up), running(v1, "r2", 2, up), running(v1, "r3", 3, up));
        List<Task> after = apply(stoppedByAgents(apply(tasks, p.tasks()), up), List.of(), back.toArray(Task[]::new));
        p = plan(svc, after, up);
        assertThat(p.update()).as("rollback monitor 0: done as soon as up").contains(new UpdateStatus(
                UpdateState.ROLLBACK_COMPLETED, 3, Optional.of(START), Optional.of(up),
                "rollback completed; rolling back"));
        Service unexplained = service(v1, 3, UpdateStatus.started(UpdateState.ROLLBACK_STARTED, 3, START, ""));
        assertThat(plan(unexplained, after, up).update()).map(UpdateStatus::message).contains("rollback completed");
    }

    static Stream<Arguments> failures() {
        ServiceSpec v2 = spec("a:2", 3, stopFirst(1));
        Task failed = withError(stopped(v2, "f1", 1, TaskState.FAILED, START.plusSeconds(1), START.plusSeconds(4)),
                "non-zero exit (1)");
        return Stream.of(
                Arguments.of("failed", failed, "non-zero exit (1)"),
                Arguments.of("rejected", withError(stopped(v2, "f1", 1, TaskState.REJECTED, START.plusSeconds(1),
                        START.plusSeconds(2)), "no such image"), "no such image"),
                Arguments.of("completed (exited 0)", stopped(v2, "f1", 1, TaskState.COMPLETE, START.plusSeconds(1),
                        START.plusSeconds(4)), "complete"),
                Arguments.of("stamped by the restart decider", RestartDecider.stamp(failed, START.plusSeconds(5),
                        Optional.of(START.plusSeconds(10))), "non-zero exit (1)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aFailedNewTaskPausesTheRollout(String name, Task failure, String why) {
        ServiceSpec v1 = spec("a:1", 3, stopFirst(1));
        ServiceSpec v2 = spec("a:2", 3, stopFirst(1));
        List<Task> tasks = new ArrayList<>(old(v1, 3));
        tasks.set(0, failure);
        Instant now = START.plusSeconds(20);

        RolloutPlanner.Plan p = plan(rolling(v2), tasks, now);

        assertThat(p.update()).isPresent();
        UpdateStatus paused = p.update().get();
        assertThat(paused.state()).isEqualTo(UpdateState.PAUSED);
        assertThat(paused.revision()).isEqualTo(2);
        assertThat(paused.startedAt()).contains(START);
        assertThat(paused.completedAt()).contains(now);
        assertThat(paused.message()).isEqualTo(
                "update paused due to failure or early termination of task web.1 (f1): " + why);
        assertThat(p.tasks()).as("nothing more is replaced").isEmpty();
        assertThat(p.rollback()).isEmpty();
    }

    @Test
    void failureActionRollbackAsksForARollback() {
        UpdateConfig rollback = config(1, 0, FailureAction.ROLLBACK, 5, 0, UpdateOrder.STOP_FIRST);
        ServiceSpec v1 = spec("a:1", 3, rollback);
        ServiceSpec v2 = spec("a:2", 3, rollback);
        List<Task> tasks = new ArrayList<>(old(v1, 3));
        tasks.set(0, withError(stopped(v2, "f1", 1, TaskState.FAILED, START.plusSeconds(1), START.plusSeconds(4)),
                "non-zero exit (1)"));

        RolloutPlanner.Plan p = plan(rolling(v2), tasks, START.plusSeconds(20));

        assertThat(p.rollback()).contains(
                "update rolled back due to failure or early termination of task web.1 (f1): non-zero exit (1)");
        assertThat(p.update()).isEmpty();
        assertThat(p.tasks()).isEmpty();
    }

    @Test
    void aFailingRollbackPausesInsteadOfRollingBackAgain() {
        UpdateConfig update = config(1, 0, FailureAction.CONTINUE, 5, 0, UpdateOrder.STOP_FIRST);
        UpdateConfig rollback = config(1, 0, FailureAction.ROLLBACK, 5, 0, UpdateOrder.STOP_FIRST);
        ServiceSpec v1 = spec("a:1", ServiceMode.REPLICATED, 2, update, rollback);
        ServiceSpec v2 = spec("a:2", ServiceMode.REPLICATED, 2, update, rollback);
        Service svc = service(v1, 3, UpdateStatus.started(UpdateState.ROLLBACK_STARTED, 3, START, ""));
        List<Task> tasks = List.of(stopped(v1, "f1", 1, TaskState.FAILED, START.plusSeconds(1),
                START.plusSeconds(2)), running(v2, "b2", 2, START.minusSeconds(10)));

        RolloutPlanner.Plan p = plan(svc, tasks, START.plusSeconds(3));

        assertThat(p.rollback()).isEmpty();
        assertThat(p.update()).map(UpdateStatus::state).contains(UpdateState.ROLLBACK_PAUSED);
        assertThat(p.update().get().message()).startsWith("rollback paused due to failure or early termination of"
                + " task web.1 (f1)");
    }

    @Test
    void failureActionContinueKeepsReplacing() {
        UpdateConfig cont = config(2, 0, FailureAction.CONTINUE, 5, 0, UpdateOrder.STOP_FIRST);
        ServiceSpec v1 = spec("a:1", 3, cont);
        ServiceSpec v2 = spec("a:2", 3, cont);
        List<Task> tasks = new ArrayList<>(old(v1, 3));
        tasks.set(0, stopped(v2, "f1", 1, TaskState.FAILED, START.plusSeconds(1), START.plusSeconds(4)));

        RolloutPlanner.Plan p = plan(rolling(v2), tasks, START.plusSeconds(20));

        assertThat(p.update()).isEmpty();
        assertThat(p.rollback()).isEmpty();
        assertThat(shutDown(p)).as("slot 1 being refilled counts in flight: one more").containsExactly("old2");
    }

    @Test
    void failuresUpToMaxFailureRatioAreTolerated() {
        UpdateConfig half = config(1, 0, FailureAction.PAUSE, 5, 0.5, UpdateOrder.STOP_FIRST);
        ServiceSpec v1 = spec("a:1", 4, half);
        ServiceSpec v2 = spec("a:2", 4, half);
        List<Task> tasks = new ArrayList<>(old(v1, 4));
        tasks.set(0, stopped(v2, "f1", 1, TaskState.FAILED, START.plusSeconds(1), START.plusSeconds(2)));
        tasks.set(1, stopped(v2, "f2", 2, TaskState.FAILED, START.plusSeconds(1), START.plusSeconds(3)));

        assertThat(plan(rolling(v2), tasks, START.plusSeconds(10)).update()).as("2 of 4 is not more than 0.5")
                .isEmpty();

        tasks.set(2, stopped(v2, "f3", 3, TaskState.FAILED, START.plusSeconds(1), START.plusSeconds(5)));
        RolloutPlanner.Plan p = plan(rolling(v2), tasks, START.plusSeconds(10));
        assertThat(p.update()).map(UpdateStatus::state).contains(UpdateState.PAUSED);
        assertThat(p.update().get().message()).as("the newest failure is named").contains("web.3 (f3)");
    }

    @Test
    void tasksShutDownByAControllerOrFailedBeforeTheRolloutAreNoFailures() {
        ServiceSpec v1 = spec("a:1", 3, stopFirst(1));
        ServiceSpec v2 = spec("a:2", 3, stopFirst(1));
        List<Task> tasks = new ArrayList<>(old(v1, 3));
        // shut down by a controller, then exited non-zero on the stop signal
        tasks.add(task(v2, "s1", 1, "n1", TaskState.SHUTDOWN, TaskState.FAILED, START.plusSeconds(1),
                START.plusSeconds(3)));
        // failed before this rollout started (an earlier rollout to the same template)
        tasks.add(RestartDecider.stamp(stopped(v2, "e2", 2, TaskState.FAILED, START.minusSeconds(50),
                START.minusSeconds(40)), START.minusSeconds(40), Optional.empty()));
        // an outdated task failing is not the new version's fault
        tasks.add(RestartDecider.stamp(stopped(v1, "o3", 3, TaskState.FAILED, START.plusSeconds(1),
                START.plusSeconds(2)), START.plusSeconds(2), Optional.of(START.plusSeconds(7))));

        RolloutPlanner.Plan p = plan(rolling(v2), tasks, START.plusSeconds(10));

        assertThat(p.update()).isEmpty();
        assertThat(p.rollback()).isEmpty();
        assertThat(shutDown(p)).containsExactly("old1");
    }

    @Test
    void aPausedRolloutReplacesNothingButFinishesStartedReplacements() {
        UpdateConfig startFirst = config(1, 0, FailureAction.PAUSE, 5, 0, UpdateOrder.START_FIRST);
        ServiceSpec v1 = spec("a:1", 3, startFirst);
        ServiceSpec v2 = spec("a:2", 3, startFirst);
        Service paused = service(v2, 2, UpdateStatus.started(UpdateState.UPDATING, 2, START, "")
                .ended(UpdateState.PAUSED, START.plusSeconds(5), "paused by a user"));

        assertThat(plan(paused, old(v1, 3), START.plusSeconds(10)).isEmpty()).isTrue();

        List<Task> tasks = new ArrayList<>(old(v1, 3));
        tasks.set(0, annotated(tasks.get(0), ServiceReconciler.START_REPLACEMENT, "2"));
        tasks.add(running(v2, "new1", 1, START.plusSeconds(8)));
        RolloutPlanner.Plan p = plan(paused, tasks, START.plusSeconds(10));
        assertThat(shutDown(p)).as("the replaced task goes").containsExactly("old1");
        assertThat(marked(p)).isEmpty();
        assertThat(p.update()).as("still paused").isEmpty();
    }

    @Test
    void aNewRevisionSupersedesARolloutInProgress() {
        ServiceSpec v1 = spec("a:1", 3, stopFirst(2));
        ServiceSpec v2 = spec("a:2", 3, stopFirst(2));
        ServiceSpec v3 = spec("a:3", 3, stopFirst(2));
        List<Task> tasks = List.of(running(v2, "n1", 1, START.plusSeconds(5)),
                stopped(v2, "f2", 2, TaskState.FAILED, START.plusSeconds(1), START.plusSeconds(6)),
                running(v1, "o3", 3, OLD_SINCE));
        Instant now = START.plusSeconds(20);
        for (UpdateStatus before : List.of(UpdateStatus.started(UpdateState.UPDATING, 2, START, ""),
                UpdateStatus.started(UpdateState.UPDATING, 2, START, "").ended(UpdateState.PAUSED,
                        START.plusSeconds(7), "update paused due to failure"))) {
            RolloutPlanner.Plan p = plan(service(v3, 3, before), tasks, now);

            assertThat(p.update()).as("from %s", before.state())
                    .contains(UpdateStatus.started(UpdateState.UPDATING, 3, now, ""));
            assertThat(p.rollback()).as("revision 2's failure does not count for revision 3").isEmpty();
            // slot 2 is being refilled: one place in flight, one more free; revision 2's task is
            // as outdated as revision 1's
            assertThat(shutDown(p)).containsExactly("n1");
        }
    }

    @Test
    void aGlobalServiceReplacesNodeByNode() {
        ServiceSpec g1 = spec("a:1", ServiceMode.GLOBAL, 0, stopFirst(1), null);
        ServiceSpec g2 = spec("a:2", ServiceMode.GLOBAL, 0, stopFirst(1), null);
        // the service controller counts three eligible nodes
        Service svc = withPlaces(rolling(g2), 3);
        List<Task> tasks = new ArrayList<>();
        for (String node : List.of("n1", "n2", "n3")) {
            tasks.add(task(g1, "o-" + node, 0, node, TaskState.RUNNING, TaskState.RUNNING, OLD_SINCE, OLD_SINCE));
        }

        RolloutPlanner.Plan p = plan(svc, tasks, START);
        assertThat(shutDown(p)).containsExactly("o-n1");

        tasks = apply(tasks, p.tasks());
        assertThat(shutDown(plan(svc, tasks, START))).as("n1 waits for its new task: in flight").isEmpty();

        tasks = apply(tasks, List.of(), task(g2, "g-n1", 0, "n1", TaskState.RUNNING, TaskState.NEW,
                START.plusSeconds(1), START.plusSeconds(1)));
        assertThat(plan(svc, tasks, START.plusSeconds(1)).tasks()).isEmpty();

        Instant up = START.plusSeconds(2);
        tasks = stoppedByAgents(replace(tasks, task(g2, "g-n1", 0, "n1", TaskState.RUNNING, TaskState.RUNNING,
                START.plusSeconds(1), up)), up);
        assertThat(plan(svc, tasks, up.plusSeconds(1)).tasks()).isEmpty();
        assertThat(shutDown(plan(svc, tasks, up.plusSeconds(5)))).containsExactly("o-n2");

        List<Task> done = new ArrayList<>();
        for (String node : List.of("n1", "n2", "n3")) {
            done.add(task(g2, "g-" + node, 0, node, TaskState.RUNNING, TaskState.RUNNING, START, up));
        }
        assertThat(plan(svc, done, up.plusSeconds(5)).update()).map(UpdateStatus::state)
                .contains(UpdateState.COMPLETED);

        // n3 was drained meanwhile: its task is gone and the service controller counts two nodes
        List<Task> drained = apply(done.subList(0, 2), List.of(), task(g1, "o-n3", 0, "n3", TaskState.SHUTDOWN,
                TaskState.SHUTDOWN, OLD_SINCE, START));
        assertThat(plan(svc, drained, up.plusSeconds(5)).update()).as("n3 counted in flight while still counted")
                .isEmpty();
        assertThat(plan(withPlaces(svc, 2), drained, up.plusSeconds(5)).update()).map(UpdateStatus::state)
                .contains(UpdateState.COMPLETED);
    }

    /** {@code svc} with status.replicas (a global service's eligible nodes) set to {@code places}. */
    private static Service withPlaces(Service svc, int places) {
        return svc.withStatus(svc.status().withCounts(places, places, 0, svc.metadata().generation()));
    }

    @Test
    void aRunningTaskStillStartingIsNotUp() {
        ServiceSpec v1 = spec("a:1", 3, stopFirst(1));
        ServiceSpec v2 = spec("a:2", 3, stopFirst(1));
        Instant since = START.plusSeconds(2);
        List<Task> tasks = new ArrayList<>(old(v1, 3));
        tasks.set(0, withHealth(running(v2, "new1", 1, since), "starting"));

        RolloutPlanner.Plan p = plan(rolling(v2), tasks, since.plusSeconds(60));
        assertThat(p.tasks()).as("in flight until healthy").isEmpty();
        assertThat(p.update()).isEmpty();
        assertThat(p.wakeAt()).as("no monitor runs before it is up").isEmpty();

        tasks.set(0, withHealth(running(v2, "new1", 1, since.plusSeconds(60)), "healthy"));
        p = plan(rolling(v2), tasks, since.plusSeconds(61));
        assertThat(p.tasks()).isEmpty();
        assertThat(p.wakeAt()).contains(since.plusSeconds(65));
        assertThat(shutDown(plan(rolling(v2), tasks, since.plusSeconds(65)))).containsExactly("old2");
    }
}
