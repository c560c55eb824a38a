package dev.berth.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.api.ByteSize;
import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeState;
import dev.berth.api.NodeStatus;
import dev.berth.api.ObjectMeta;
import dev.berth.api.ResourceList;
import dev.berth.api.RestartCondition;
import dev.berth.api.RestartPolicy;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.controllers.service.RestartDecider;
import dev.berth.store.ObjectStore;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The restart policy on a real etcd, all three controllers running. The test plays the agent: it
 * moves assigned tasks to FAILED or COMPLETE in the store.
 */
@ExtendWith(EtcdExtension.class)
class RestartPolicyIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DELAY = Duration.ofSeconds(1);
    // how long "no replacement appears" is watched: the delay plus a margin for the controllers
    private static final Duration NOT_REPLACED_FOR = DELAY.plusMillis(1500);

    private static Node node(String id) {
        return Node.of(ObjectMeta.named(id).created("uid-" + id, Instant.now()),
                new NodeSpec(NodeRole.WORKER, NodeAvailability.ACTIVE),
                new NodeStatus(NodeState.READY, "", id, "127.0.0.1", new ResourceList(4, ByteSize.parse("8Gi")), "",
                        Optional.of(Instant.now())));
    }

    private static Service service(String name, RestartCondition condition, Duration delay, int maxAttempts) {
        ServiceSpec spec = new ServiceSpec("example/whoami:1", ServiceMode.REPLICATED, 1, null, null, null, null,
                null, null, new RestartPolicy(condition, delay, maxAttempts, Duration.ZERO), null, null, null, null,
                null);
        return Service.of(ObjectMeta.named(name).created("uid-" + name, Instant.now()), spec);
    }

    private static List<Task> tasksOf(ObjectStore store, String service) {
        return store.list(Kind.TASK).items().stream().filter(t -> t.spec().serviceName().equals(service)).toList();
    }

    private static List<Task> live(ObjectStore store, String service) {
        return tasksOf(store, service).stream().filter(Task::isLive).toList();
    }

    /** Waits for the service's one live task to be assigned, then reports it stopped in {@code state}. */
    private static Stopped stop(ObjectStore store, String service, TaskState state) {
        Task assigned = await().atMost(TIMEOUT).until(() -> live(store, service),
                l -> l.size() == 1 && l.get(0).status().state() == TaskState.ASSIGNED).get(0);
        Instant at = Instant.now();
        store.update(assigned.withStatus(assigned.status().movedTo(state, "exited",
                state == TaskState.FAILED ? "non-zero exit (1)" : "", at)));
        return new Stopped(assigned.id(), at);
    }

    private record Stopped(String id, Instant at) {
    }

    /** Waits until the controller has marked the stopped task SHUTDOWN and stamped its decision. */
    private static Task awaitDecision(ObjectStore store, Stopped stopped) {
        return await().atMost(TIMEOUT).until(() -> store.get(Kind.TASK, stopped.id()).orElseThrow(),
                t -> t.spec().desiredState() == TaskState.SHUTDOWN && RestartDecider.isRestartAttempt(t));
    }

    /** Waits for the replacement of {@code stopped} and checks it is alone in its slot and came after the delay. */
    private static Task awaitReplacement(ObjectStore store, String service, Stopped stopped) {
        Task replacement = await().atMost(TIMEOUT).until(() -> live(store, service), l -> !l.isEmpty()).get(0);
        assertThat(replacement.id()).isNotEqualTo(stopped.id());
        assertThat(replacement.spec().slot()).isEqualTo(1);
        assertThat(replacement.metadata().creationTimestamp()).get().as("created after the delay")
                .matches(created -> !created.isBefore(stopped.at().plus(DELAY)), "not before failure + delay");
        assertThat(live(store, service)).as("exactly one replacement").hasSize(1);
        return replacement;
    }

    /** Checks that none of {@code services} gets a live task for longer than the restart delay. */
    private static void assertNotReplaced(ObjectStore store, String... services) {
        await().during(NOT_REPLACED_FOR).atMost(NOT_REPLACED_FOR.plusSeconds(5))
                .until(() -> List.of(services).stream().allMatch(s -> live(store, s).isEmpty()));
    }

    @Test
    void failedTasksAreReplacedAfterTheDelayUntilMaxAttempts(EtcdTestEnv env) {
        ObjectStore store = env.newStore();
        store.create(node("r-1"));
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC())) {
            manager.start();
            store.create(service("max2", RestartCondition.ANY, DELAY, 2));

            Stopped first = stop(store, "max2", TaskState.FAILED);
            Task decided = awaitDecision(store, first);
            assertThat(RestartDecider.restartAt(decided)).get().as("replacement due after the delay")
                    .matches(at -> !at.isBefore(first.at().plus(DELAY)));
            assertThat(decided.status().state()).as("history keeps the agent's status").isEqualTo(TaskState.FAILED);
            assertThat(decided.status().error()).isEqualTo("non-zero exit (1)");
            awaitReplacement(store, "max2", first);

            Stopped second = stop(store, "max2", TaskState.FAILED);
            awaitReplacement(store, "max2", second);

            // the third failure: two restarts already made, so the slot stays empty
            Stopped third = stop(store, "max2", TaskState.FAILED);
            assertThat(RestartDecider.restartAt(awaitDecision(store, third))).isEmpty();
            assertNotReplaced(store, "max2");
            List<Task> all = tasksOf(store, "max2");
            assertThat(all).hasSize(3).allMatch(t -> t.spec().slot() == 1)
                    .allMatch(t -> t.status().state() == TaskState.FAILED);
        }
    }

    @Test
    void conditionsNoneAndOnFailureDecideWhatIsReplaced(EtcdTestEnv env) {
        ObjectStore store = env.newStore();
        store.create(node("c-1"));
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC())) {
            manager.start();
            store.create(service("never", RestartCondition.NONE, DELAY, 0));
            store.create(service("onfail", RestartCondition.ON_FAILURE, DELAY, 0));

            Stopped neverFailed = stop(store, "never", TaskState.FAILED);
            Stopped onFailCompleted = stop(store, "onfail", TaskState.COMPLETE);
            assertThat(RestartDecider.restartAt(awaitDecision(store, neverFailed))).isEmpty();
            assertThat(RestartDecider.restartAt(awaitDecision(store, onFailCompleted))).isEmpty();
            assertNotReplaced(store, "never", "onfail");
            assertThat(store.get(Kind.SERVICE, "never").orElseThrow().status().replicas()).isEqualTo(1);

            // a service update (new template) gives a given-up slot a new task, as Swarm's updater does
            Service onfail = store.get(Kind.SERVICE, "onfail").orElseThrow();
            ServiceSpec s = onfail.spec();
            store.update(onfail.withSpec(new ServiceSpec("example/whoami:2", s.mode(), s.replicas(), s.command(),
                    s.args(), s.env(), s.ports(), s.resources(), s.placement(), s.restartPolicy(), s.update(),
                    s.rollback(), s.endpointMode(), s.stopSignal(), s.stopGracePeriod())));
            await().atMost(TIMEOUT).until(() -> live(store, "onfail"), l -> l.size() == 1);

            // on-failure does replace a failed task
            Stopped onFailFailed = stop(store, "onfail", TaskState.FAILED);
            awaitReplacement(store, "onfail", onFailFailed);
        }
    }

    @Test
    void aPendingRestartSurvivesAChangeOfLeader(EtcdTestEnv env) {
        ObjectStore store = env.newStore();
        store.create(node("l-1"));
        Duration delay = Duration.ofSeconds(2);
        Stopped stopped;
        try (ControllerManager first = new ControllerManager(store, Clock.systemUTC())) {
            first.start();
            store.create(service("leader", RestartCondition.ANY, delay, 0));
            stopped = stop(store, "leader", TaskState.FAILED);
            awaitDecision(store, stopped);
        }
        // the first leader is gone before the delay passed; the next one must create the task
        assertThat(live(store, "leader")).isEmpty();
        try (ControllerManager second = new ControllerManager(store, Clock.systemUTC())) {
            second.start();
            Task replacement = await().atMost(TIMEOUT).until(() -> live(store, "leader"), l -> !l.isEmpty()).get(0);
            assertThat(replacement.metadata().creationTimestamp()).get()
                    .matches(created -> !created.isBefore(stopped.at().plus(delay)), "not before failure + delay");
            assertThat(replacement.spec().slot()).isEqualTo(1);
            assertThat(live(store, "leader")).hasSize(1);
        }
    }
}
