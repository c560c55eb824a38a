package dev.berth.controllers.service;

import static dev.berth.controllers.Fixtures.T0;
import static dev.berth.controllers.Fixtures.ids;
import static dev.berth.controllers.Fixtures.readyNode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Node;
import dev.berth.api.ObjectMeta;
import dev.berth.api.RestartCondition;
import dev.berth.api.RestartPolicy;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.api.ServiceStatus;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.controllers.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The service reconciler's part in a start-first rollout: a place whose outdated task is marked
 * {@link ServiceReconciler#START_REPLACEMENT} gets a task of the current template next to it; the
 * rollout controller, not the service controller, shuts the outdated one down.
 */
class StartFirstReconcileTest {

    private static final List<Node> NODES = List.of(readyNode("n1"), readyNode("n2"));
    private static final Instant NOW = T0.plusSeconds(100);
    private static final Duration DELAY = Duration.ofSeconds(5);

    private static ServiceSpec spec(String image, ServiceMode mode, int replicas) {
        return new ServiceSpec(image, mode, replicas, null, null, null, null, null, null,
                new RestartPolicy(RestartCondition.ANY, DELAY, 0, Duration.ZERO), null, null, null, null, null);
    }

    /** The service at v2 (revision 2), tasks of v1 are outdated. */
    private static final Service SVC = Fixtures.service("web", spec("a:2", ServiceMode.REPLICATED, 2))
            .withStatus(ServiceStatus.EMPTY.withRevision(2));
    private static final Service V1 = Fixtures.service("web", spec("a:1", ServiceMode.REPLICATED, 2));

    private static Task marked(Task task) {
        return marked(task, 2);
    }

    private static Task marked(Task task, long revision) {
        ObjectMeta m = task.metadata();
        Map<String, String> annotations = new HashMap<>(m.annotations());
        annotations.put(ServiceReconciler.START_REPLACEMENT, Long.toString(revision));
        return task.withMetadata(new ObjectMeta(m.name(), m.labels(), annotations, m.uid(), m.resourceVersion(),
                m.generation(), m.creationTimestamp()));
    }

    private record Outcome(List<Task> created, List<String> shutDown, Optional<ServiceStatus> status,
            Optional<Instant> wakeAt) {
    }

    private static Outcome run(Service svc, List<Task> tasks, Instant now) {
        ServiceReconciler.Decision d = ServiceReconciler.decide(svc.name(), Optional.of(svc), tasks, NODES, now,
                ids());
        List<Task> created = new ArrayList<>();
        List<String> shutDown = new ArrayList<>();
        Optional<ServiceStatus> status = Optional.empty();
        for (ServiceAction a : d.actions()) {
            if (a instanceof ServiceAction.CreateTask c) {
                created.add(c.task());
            } else if (a instanceof ServiceAction.ShutdownTask s) {
                shutDown.add(s.updated().id());
            } else if (a instanceof ServiceAction.UpdateServiceStatus u) {
                status = Optional.of(u.updated().status());
            }
        }
        return new Outcome(created, shutDown, status, d.wakeAt());
    }

    @Test
    void aMarkedOutdatedTaskGetsAReplacementNextToIt() {
        List<Task> tasks = List.of(marked(Fixtures.running(V1, "old1", 1, "n1")), Fixtures.running(V1, "old2", 2,
                "n2"));

        Outcome out = run(SVC, tasks, NOW);

        assertThat(out.shutDown()).as("the outdated tasks keep running").isEmpty();
        assertThat(out.created()).singleElement().satisfies(t -> {
            assertThat(t.spec().slot()).isEqualTo(1);
            assertThat(t.spec().template()).isEqualTo(SVC.spec().taskTemplate());
            assertThat(t.spec().desiredState()).isEqualTo(TaskState.RUNNING);
        });
        assertThat(out.status()).map(ServiceStatus::running).contains(2);
        assertThat(out.status()).map(ServiceStatus::updated).contains(0);
    }

    @Test
    void anUnmarkedOutdatedTaskIsLeftAlone() {
        Outcome out = run(SVC, List.of(Fixtures.running(V1, "old1", 1, "n1"), Fixtures.running(V1, "old2", 2, "n2")),
                NOW);
        assertThat(out.created()).as("stop-first: the slot is refilled once its task was stopped").isEmpty();
        assertThat(out.shutDown()).as("replacing is the rollout controller's job").isEmpty();
    }

    @Test
    void aMarkOfAnEarlierRolloutAsksForNothing() {
        // a start-first rollout to revision 2 marked both tasks, then rolled back (revision 3); the
        // service is now at revision 4, rolled out stop-first: the old marks must not start
        // replacements the rollout did not choose
        Service v4 = Fixtures.service("web", spec("a:4", ServiceMode.REPLICATED, 2))
                .withStatus(ServiceStatus.EMPTY.withRevision(4));
        List<Task> tasks = List.of(marked(Fixtures.running(V1, "old1", 1, "n1")),
                marked(Fixtures.running(V1, "old2", 2, "n2")));

        Outcome out = run(v4, tasks, NOW);
        assertThat(out.created()).isEmpty();
        assertThat(out.shutDown()).isEmpty();

        Outcome remarked = run(v4, List.of(marked(tasks.get(0), 4), tasks.get(1)), NOW);
        assertThat(remarked.created()).as("marked again by the current rollout").singleElement()
                .satisfies(t -> assertThat(t.spec().slot()).isEqualTo(1));
    }

    @Test
    void aSlotHoldingTheOutdatedTaskAndItsReplacementKeepsBoth() {
        Task replacement = Fixtures.task(SVC, "new1", 1, "n2", TaskState.RUNNING, TaskState.STARTING, 50);
        List<Task> tasks = List.of(marked(Fixtures.running(V1, "old1", 1, "n1")), replacement,
                Fixtures.running(V1, "old2", 2, "n2"));

        Outcome out = run(SVC, tasks, NOW);

        assertThat(out.created()).isEmpty();
        assertThat(out.shutDown()).isEmpty();

        Outcome up = run(SVC, List.of(tasks.get(0), Fixtures.task(SVC, "new1", 1, "n2", TaskState.RUNNING,
                TaskState.RUNNING, 50), tasks.get(2)), NOW);
        assertThat(up.shutDown()).isEmpty();
        assertThat(up.status()).as("the replacement counts as updated").map(ServiceStatus::updated).contains(1);
        assertThat(up.status()).map(ServiceStatus::running).contains(3);
    }

    @Test
    void ofTwoCurrentTasksInASlotTheMostAdvancedIsKept() {
        List<Task> tasks = List.of(marked(Fixtures.running(V1, "old1", 1, "n1")),
                Fixtures.task(SVC, "new-a", 1, "n2", TaskState.RUNNING, TaskState.RUNNING, 50),
                Fixtures.task(SVC, "new-b", 1, "", TaskState.RUNNING, TaskState.PENDING, 51),
                Fixtures.running(V1, "old2", 2, "n2"));

        Outcome out = run(SVC, tasks, NOW);

        assertThat(out.shutDown()).containsExactly("new-b");
        assertThat(out.created()).isEmpty();
    }

    @Test
    void aFailedReplacementWaitsForTheRestartDelay() {
        Task old1 = marked(Fixtures.running(V1, "old1", 1, "n1"));
        Task failed = Fixtures.task(SVC, "new1", 1, "n2", TaskState.RUNNING, TaskState.FAILED, 50);
        Task old2 = Fixtures.running(V1, "old2", 2, "n2");

        ServiceReconciler.Decision first = ServiceReconciler.decide("web", Optional.of(SVC),
                List.of(old1, failed, old2), NODES, NOW, ids());
        Task stamped = first.actions().stream().filter(a -> a instanceof ServiceAction.ShutdownTask)
                .map(a -> ((ServiceAction.ShutdownTask) a).updated()).findFirst().orElseThrow();
        assertThat(stamped.id()).isEqualTo("new1");
        assertThat(RestartDecider.restartAt(stamped)).as("the restart policy decides, as for any failure")
                .contains(NOW.plus(DELAY));
        assertThat(first.actions()).noneMatch(a -> a instanceof ServiceAction.CreateTask);
        assertThat(first.wakeAt()).contains(NOW.plus(DELAY));

        // the next reconciles see the stamped task: no tight loop before the delay
        List<Task> after = List.of(old1, stamped, old2);
        Outcome soon = run(SVC, after, NOW.plusSeconds(1));
        assertThat(soon.created()).isEmpty();
        assertThat(soon.wakeAt()).contains(NOW.plus(DELAY));

        Outcome later = run(SVC, after, NOW.plus(DELAY));
        assertThat(later.created()).singleElement().satisfies(t -> assertThat(t.spec().slot()).isEqualTo(1));
        assertThat(later.shutDown()).as("the outdated task still serves").isEmpty();
    }

    @Test
    void aGlobalServiceReplacesAMarkedTaskOnItsNode() {
        Service v2 = Fixtures.service("agent", spec("a:2", ServiceMode.GLOBAL, 0))
                .withStatus(ServiceStatus.EMPTY.withRevision(2));
        Service v1 = Fixtures.service("agent", spec("a:1", ServiceMode.GLOBAL, 0));
        List<Task> tasks = List.of(marked(Fixtures.running(v1, "old-n1", 0, "n1")),
                Fixtures.running(v1, "old-n2", 0, "n2"));

        Outcome out = run(v2, tasks, NOW);

        assertThat(out.shutDown()).isEmpty();
        assertThat(out.created()).singleElement().satisfies(t -> {
            assertThat(t.spec().nodeId()).isEqualTo("n1");
            assertThat(t.spec().template()).isEqualTo(v2.spec().taskTemplate());
        });
    }
}
