package dev.berth.controllers.service;

import static dev.berth.controllers.Fixtures.T0;
import static dev.berth.controllers.Fixtures.ids;
import static dev.berth.controllers.Fixtures.readyNode;
import static dev.berth.controllers.Fixtures.running;
import static dev.berth.controllers.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.ObjectMeta;
import dev.berth.api.RestartCondition;
import dev.berth.api.RestartPolicy;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.api.codec.Codec;
import dev.berth.controllers.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The restart policy as the service reconciler applies it: pure, with {@code now} injected. */
class RestartPolicyTest {

    private static final List<Node> NODES = List.of(readyNode("n1"), readyNode("n2"));
    private static final Instant NOW = T0.plusSeconds(100);

    static RestartPolicy policy(RestartCondition condition, int delaySeconds, int maxAttempts, int windowSeconds) {
        return new RestartPolicy(condition, Duration.ofSeconds(delaySeconds), maxAttempts,
                Duration.ofSeconds(windowSeconds));
    }

    static Service service(ServiceMode mode, RestartPolicy policy) {
        ServiceSpec spec = new ServiceSpec("example/whoami:1", mode, mode == ServiceMode.GLOBAL ? 0 : 1, null, null,
                null, null, null, null, policy, null, null, null, null, null);
        return Fixtures.service("web", spec);
    }

    static Service replicated(RestartPolicy policy) {
        return service(ServiceMode.REPLICATED, policy);
    }

    /** A task of slot 1 that stopped in {@code state} (desiredState still RUNNING), created at T0 + second. */
    static Task stopped(Service svc, String id, TaskState state, int createdSecond) {
        return task(svc, id, 1, "n1", TaskState.RUNNING, state, createdSecond);
    }

    /** A history task of slot 1 the policy already handled: stopped at T0 + stoppedSecond. */
    static Task attempt(Service svc, String id, int stoppedSecond, Optional<Integer> restartSecond) {
        Task t = task(svc, id, 1, "n1", TaskState.RUNNING, TaskState.FAILED, stoppedSecond - 1);
        return RestartDecider.stamp(t, T0.plusSeconds(stoppedSecond), restartSecond.map(T0::plusSeconds));
    }

    record Outcome(List<String> created, List<String> shutDown, Optional<Instant> restartAt,
            Optional<Instant> wakeAt) {
    }

    static Outcome run(Service svc, List<Task> tasks, Instant now) {
        ServiceReconciler.Decision d = ServiceReconciler.decide(svc.name(), Optional.of(svc), tasks, NODES, now,
                ids());
        List<String> created = new ArrayList<>();
        List<String> shutDown = new ArrayList<>();
        Optional<Instant> restartAt = Optional.empty();
        for (ServiceAction a : d.actions()) {
            if (a instanceof ServiceAction.CreateTask c) {
                Task t = c.task();
                created.add(t.spec().slot() > 0 ? "slot" + t.spec().slot() : "node:" + t.spec().nodeId());
            } else if (a instanceof ServiceAction.ShutdownTask s) {
                shutDown.add(s.updated().id());
                if (RestartDecider.isRestartAttempt(s.updated())) {
                    restartAt = RestartDecider.restartAt(s.updated());
                }
            }
        }
        created.sort(null);
        shutDown.sort(null);
        return new Outcome(created, shutDown, restartAt, d.wakeAt());
    }

    static Stream<Arguments> failures() {
        Service any5 = replicated(policy(RestartCondition.ANY, 5, 0, 0));
        Service any0 = replicated(policy(RestartCondition.ANY, 0, 0, 0));
        Service onFailure = replicated(policy(RestartCondition.ON_FAILURE, 5, 0, 0));
        Service none = replicated(policy(RestartCondition.NONE, 5, 0, 0));
        Service max2 = replicated(policy(RestartCondition.ANY, 5, 2, 0));
        Service max2in30s = replicated(policy(RestartCondition.ANY, 5, 2, 30));
        Optional<Instant> in5s = Optional.of(NOW.plusSeconds(5));
        return Stream.of(
                Arguments.of("any: a failed task is replaced after the delay", any5,
                        List.of(stopped(any5, "f", TaskState.FAILED, 50)), in5s),
                Arguments.of("any: a completed task is replaced too", any5,
                        List.of(stopped(any5, "f", TaskState.COMPLETE, 50)), in5s),
                Arguments.of("any: a rejected task (never ran: prepare error) is replaced", any5,
                        List.of(stopped(any5, "f", TaskState.REJECTED, 50)), in5s),
                Arguments.of("on-failure: a failed task is replaced", onFailure,
                        List.of(stopped(onFailure, "f", TaskState.FAILED, 50)), in5s),
                Arguments.of("on-failure: a completed task is not", onFailure,
                        List.of(stopped(onFailure, "f", TaskState.COMPLETE, 50)), Optional.empty()),
                Arguments.of("none: a failed task is not replaced", none,
                        List.of(stopped(none, "f", TaskState.FAILED, 50)), Optional.empty()),
                Arguments.of("max 2: first restart", max2,
                        List.of(stopped(max2, "f", TaskState.FAILED, 50)), in5s),
                Arguments.of("max 2: second restart", max2,
                        List.of(attempt(max2, "a1", 10, Optional.of(15)), stopped(max2, "f", TaskState.FAILED, 50)),
                        in5s),
                Arguments.of("max 2: third failure is not replaced (window 0 = unbounded)", max2,
                        List.of(attempt(max2, "a1", 10, Optional.of(15)), attempt(max2, "a2", 20, Optional.of(25)),
                                stopped(max2, "f", TaskState.FAILED, 50)),
                        Optional.empty()),
                Arguments.of("max 2 in 30s: both earlier attempts inside the window", max2in30s,
                        List.of(attempt(max2in30s, "a1", 80, Optional.of(85)),
                                attempt(max2in30s, "a2", 90, Optional.of(95)),
                                stopped(max2in30s, "f", TaskState.FAILED, 96)),
                        Optional.empty()),
                Arguments.of("max 2 in 30s: an attempt outside the window no longer counts", max2in30s,
                        List.of(attempt(max2in30s, "a1", 20, Optional.of(25)),
                                attempt(max2in30s, "a2", 90, Optional.of(95)),
                                stopped(max2in30s, "f", TaskState.FAILED, 96)),
                        in5s),
                Arguments.of("max 2: attempts of an earlier spec do not count", max2,
                        List.of(attempt(any5, "a1", 10, Optional.of(15)), attempt(any5, "a2", 20, Optional.of(25)),
                                stopped(max2, "f", TaskState.FAILED, 50)),
                        in5s),
                Arguments.of("delay 0: replaced at once", any0,
                        List.of(stopped(any0, "f", TaskState.FAILED, 50)), Optional.of(NOW)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void stoppedTaskIsShutDownAndStampedWithTheDecision(String name, Service svc, List<Task> tasks,
            Optional<Instant> restartAt) {
        Outcome out = run(svc, tasks, NOW);
        assertThat(out.shutDown()).as("the stopped task is kept as history").containsExactly("f");
        assertThat(out.restartAt()).as("restart at").isEqualTo(restartAt);
        boolean immediate = restartAt.isPresent() && !restartAt.get().isAfter(NOW);
        assertThat(out.created()).as("created").isEqualTo(immediate ? List.of("slot1") : List.of());
        assertThat(out.wakeAt()).as("wake at")
                .isEqualTo(restartAt.isPresent() && !immediate ? restartAt : Optional.empty());
    }

    static Stream<Arguments> emptySlots() {
        Service any5 = replicated(policy(RestartCondition.ANY, 5, 0, 0));
        Service changed = replicated(policy(RestartCondition.ANY, 7, 0, 0));
        return Stream.of(
                Arguments.of("delay not passed: wait", any5, List.of(attempt(any5, "a", 98, Optional.of(103))),
                        List.of(), Optional.of(T0.plusSeconds(103))),
                Arguments.of("delay passed: create", any5, List.of(attempt(any5, "a", 90, Optional.of(95))),
                        List.of("slot1"), Optional.empty()),
                Arguments.of("delay ends exactly now: create", any5, List.of(attempt(any5, "a", 95, Optional.of(100))),
                        List.of("slot1"), Optional.empty()),
                Arguments.of("policy gave up: the slot stays empty", any5,
                        List.of(attempt(any5, "a", 90, Optional.empty())), List.of(), Optional.empty()),
                Arguments.of("policy gave up but the spec changed since: create", changed,
                        List.of(attempt(any5, "a", 90, Optional.empty())), List.of("slot1"), Optional.empty()),
                Arguments.of("a pending restart keeps its delay even if the spec changed", changed,
                        List.of(attempt(any5, "a", 98, Optional.of(103))), List.of(),
                        Optional.of(T0.plusSeconds(103))),
                Arguments.of("only the newest task of the slot decides", any5,
                        List.of(attempt(any5, "old", 10, Optional.empty()),
                                attempt(any5, "new", 98, Optional.of(103))),
                        List.of(), Optional.of(T0.plusSeconds(103))),
                Arguments.of("a task shut down by the controller (scale down, node down) is no restart", any5,
                        List.of(attempt(any5, "old", 10, Optional.of(200)),
                                task(any5, "scaled", 1, "n1", TaskState.SHUTDOWN, TaskState.SHUTDOWN, 50)),
                        List.of("slot1"), Optional.empty()),
                Arguments.of("desiredState already SHUTDOWN when it failed: not the policy's", any5,
                        List.of(task(any5, "f", 1, "n1", TaskState.SHUTDOWN, TaskState.FAILED, 50)),
                        List.of("slot1"), Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptySlots")
    void emptySlotFollowsItsNewestTask(String name, Service svc, List<Task> tasks, List<String> created,
            Optional<Instant> wakeAt) {
        Outcome out = run(svc, tasks, NOW);
        assertThat(out.shutDown()).as("nothing to shut down").isEmpty();
        assertThat(out.created()).as("created").isEqualTo(created);
        assertThat(out.wakeAt()).as("wake at").isEqualTo(wakeAt);
    }

    @Test
    void theSameDecisionLaterCreatesTheReplacementOnce() {
        Service svc = replicated(policy(RestartCondition.ANY, 5, 0, 0));
        Task failed = stopped(svc, "f", TaskState.FAILED, 50);
        ServiceReconciler.Decision first = ServiceReconciler.decide("web", Optional.of(svc), List.of(failed), NODES,
                NOW, ids());
        Task stamped = first.actions().stream().filter(a -> a instanceof ServiceAction.ShutdownTask)
                .map(a -> ((ServiceAction.ShutdownTask) a).updated()).findFirst().orElseThrow();
        assertThat(stamped.spec().desiredState()).isEqualTo(TaskState.SHUTDOWN);
        assertThat(stamped.status()).as("status kept as history").isEqualTo(failed.status());
        assertThat(stamped.metadata().resourceVersion()).as("CAS").isEqualTo(failed.metadata().resourceVersion());
        assertThat(RestartDecider.stoppedAt(stamped)).contains(NOW);

        // one second later: still waiting; five seconds later: exactly one replacement in slot 1
        assertThat(run(svc, List.of(stamped), NOW.plusSeconds(1)).created()).isEmpty();
        List<ServiceAction> due = ServiceReconciler.reconcile("web", Optional.of(svc), List.of(stamped), NODES,
                NOW.plusSeconds(5), ids());
        List<Task> created = due.stream().filter(a -> a instanceof ServiceAction.CreateTask)
                .map(a -> ((ServiceAction.CreateTask) a).task()).toList();
        assertThat(created).hasSize(1);
        assertThat(created.get(0).spec().slot()).isEqualTo(1);
        assertThat(created.get(0).status().state()).isEqualTo(TaskState.NEW);
        assertThat(run(svc, List.of(stamped, created.get(0)), NOW.plusSeconds(6)).created()).isEmpty();
    }

    @Test
    void prepareErrorIsKeptInTheHistoryRow() {
        Service svc = replicated(policy(RestartCondition.ANY, 5, 0, 0));
        Task t = task(svc, "f", 1, "n1", TaskState.RUNNING, TaskState.PREPARING, 50);
        t = t.withStatus(t.status().movedTo(TaskState.REJECTED, "preparing", "No such image: x", NOW));
        ServiceAction.ShutdownTask s = (ServiceAction.ShutdownTask) ServiceReconciler
                .reconcile("web", Optional.of(svc), List.of(t), NODES, NOW, ids()).get(0);
        assertThat(s.updated().status().error()).isEqualTo("No such image: x");
        assertThat(s.updated().status().state()).isEqualTo(TaskState.REJECTED);
        assertThat(RestartDecider.restartAt(s.updated())).contains(NOW.plusSeconds(5));
    }

    @Test
    void aStoppedTaskInASlotThatStillHasALiveTaskIsNotReplaced() {
        Service svc = replicated(policy(RestartCondition.ANY, 0, 0, 0));
        Outcome out = run(svc, List.of(stopped(svc, "f", TaskState.FAILED, 50), running(svc, "r", 1, "n2")), NOW);
        assertThat(out.shutDown()).containsExactly("f");
        assertThat(out.restartAt()).isEmpty();
        assertThat(out.created()).isEmpty();
    }

    @Test
    void stoppedTaskAboveTheReplicaCountIsNotReplaced() {
        Service svc = replicated(policy(RestartCondition.ANY, 0, 0, 0));
        Task slot2 = task(svc, "f", 2, "n1", TaskState.RUNNING, TaskState.FAILED, 50);
        Outcome out = run(svc, List.of(slot2, running(svc, "r", 1, "n2")), NOW);
        assertThat(out.shutDown()).containsExactly("f");
        assertThat(out.created()).isEmpty();
        assertThat(out.restartAt()).isEmpty();
    }

    @Test
    void globalServiceRestartsPerNode() {
        Service svc = service(ServiceMode.GLOBAL, policy(RestartCondition.ANY, 5, 1, 0));
        Task n1Failed = task(svc, "f1", 0, "n1", TaskState.RUNNING, TaskState.FAILED, 50);
        Task n2Running = running(svc, "r2", 0, "n2");
        Outcome first = run(svc, List.of(n1Failed, n2Running), NOW);
        assertThat(first.shutDown()).containsExactly("f1");
        assertThat(first.created()).isEmpty();
        assertThat(first.wakeAt()).contains(NOW.plusSeconds(5));

        Task stamped = RestartDecider.stamp(n1Failed, NOW, Optional.of(NOW.plusSeconds(5)));
        assertThat(run(svc, List.of(stamped, n2Running), NOW.plusSeconds(5)).created()).containsExactly("node:n1");

        // max 1: the replacement's failure on n1 is not replaced; n2's own first failure is
        Task replacement = task(svc, "f1b", 0, "n1", TaskState.RUNNING, TaskState.FAILED, 106);
        Task n2Failed = task(svc, "r2", 0, "n2", TaskState.RUNNING, TaskState.FAILED, 0);
        Map<String, Optional<Instant>> decided = new HashMap<>();
        for (ServiceAction a : ServiceReconciler.reconcile("web", Optional.of(svc),
                List.of(stamped, replacement, n2Failed), NODES, NOW.plusSeconds(10), ids())) {
            if (a instanceof ServiceAction.ShutdownTask s) {
                decided.put(s.updated().id(), RestartDecider.restartAt(s.updated()));
            }
        }
        assertThat(decided).containsOnly(Map.entry("f1b", Optional.empty()),
                Map.entry("r2", Optional.of(NOW.plusSeconds(15))));
    }

    @Test
    void annotationsSurviveTheCodec() {
        Service svc = replicated(policy(RestartCondition.ANY, 5, 0, 0));
        Task stamped = RestartDecider.stamp(stopped(svc, "f", TaskState.FAILED, 50), NOW,
                Optional.of(NOW.plusSeconds(5)));
        Task decoded = Codec.fromJsonBytes(Codec.toJsonBytes(stamped), Kind.TASK);
        assertThat(RestartDecider.restartAt(decoded)).contains(NOW.plusSeconds(5));
        ObjectMeta m = decoded.metadata();
        assertThat(m.annotations()).containsEntry(RestartDecider.STOPPED_AT, NOW.toString())
                .containsEntry(RestartDecider.RESTART_AT, NOW.plusSeconds(5).toString());
        // a task written before restart policies existed carries no annotation: no restart pending
        Task plain = task(svc, "p", 1, "n1", TaskState.SHUTDOWN, TaskState.FAILED, 0)
                .withStatus(new TaskStatus(TaskState.FAILED, "", "", Optional.of(T0), ""));
        assertThat(RestartDecider.isRestartAttempt(plain)).isFalse();
        assertThat(RestartDecider.restartAt(plain)).isEmpty();
    }
}
