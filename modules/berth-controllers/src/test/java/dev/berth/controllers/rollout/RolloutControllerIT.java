package dev.berth.controllers.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.api.ByteSize;
import dev.berth.api.FailureAction;
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
import dev.berth.api.ServiceRevision;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.UpdateConfig;
import dev.berth.api.UpdateOrder;
import dev.berth.api.UpdateState;
import dev.berth.api.UpdateStatus;
import dev.berth.controllers.ControllerManager;
import dev.berth.store.ObjectStore;
import dev.berth.store.StoreException;
import dev.berth.store.WriteOp;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rolling updates on a real etcd with every controller running. The test plays the API server
 * (it records revisions with {@link Revisions} in the same transaction as each service write) and
 * the agents (it reports assigned tasks running, or failed for a "bad" image, and shut-down tasks
 * stopped), and samples the tasks as it goes.
 */
@ExtendWith(EtcdExtension.class)
class RolloutControllerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration MONITOR = Duration.ofSeconds(1);
    private static final String BAD = "bt-ro/bad:2";

    private static Node node(String id) {
        return Node.of(ObjectMeta.named(id).created("uid-" + id, Instant.now()),
                new NodeSpec(NodeRole.WORKER, NodeAvailability.ACTIVE),
                new NodeStatus(NodeState.READY, "", id, "127.0.0.1", new ResourceList(8, ByteSize.parse("16Gi")), "",
                        Optional.of(Instant.now())));
    }

    private static UpdateConfig config(int parallelism, FailureAction action, Duration monitor, UpdateOrder order) {
        return new UpdateConfig(parallelism, Duration.ZERO, action, monitor, 0.0, order);
    }

    private static ServiceSpec spec(String image, int replicas, UpdateConfig update, UpdateConfig rollback) {
        return new ServiceSpec(image, ServiceMode.REPLICATED, replicas, null, null, null, null, null, null,
                new RestartPolicy(RestartCondition.ANY, Duration.ofMillis(200), 0, Duration.ZERO), update, rollback,
                null, null, null);
    }

    private static ServiceSpec withImage(ServiceSpec s, String image) {
        return new ServiceSpec(image, s.mode(), s.replicas(), s.command(), s.args(), s.env(), s.ports(),
                s.resources(), s.placement(), s.restartPolicy(), s.update(), s.rollback(), s.endpointMode(),
                s.stopSignal(), s.stopGracePeriod(), s.healthCheck(), s.init());
    }

    /** Creates the service as the API server does: revision 1 in the same transaction. */
    private static void create(ObjectStore store, String name, ServiceSpec spec) {
        Service s = Service.of(ObjectMeta.named(name).created("uid-" + name, Instant.now()), spec);
        commit(store, Revisions.onCreate(s, Instant.now()), true);
    }

    /** Changes the service's image as {@code PUT} does: a new generation and, the template changed, a revision. */
    private static Service updateImage(ObjectStore store, String name, String image) {
        return updateSpec(store, name, s -> withImage(s, image));
    }

    /** Changes the service's spec as {@code PUT} does. */
    private static Service updateSpec(ObjectStore store, String name,
            java.util.function.UnaryOperator<ServiceSpec> change) {
        while (true) {
            Service stored = store.get(Kind.SERVICE, name).orElseThrow();
            Service replacing = stored.withSpec(change.apply(stored.spec()))
                    .withMetadata(stored.metadata().withGeneration(stored.metadata().generation() + 1));
            Revisions.Write write = Revisions.onReplace(stored, replacing, store.list(Kind.SERVICE_REVISION).items(),
                    Instant.now());
            try {
                commit(store, write, false);
                return write.service();
            } catch (StoreException.Conflict e) {
                // the service controller wrote the status meanwhile: merge again, as a client retries
            }
        }
    }

    private static void commit(ObjectStore store, Revisions.Write write, boolean create) {
        List<WriteOp> ops = new ArrayList<>();
        ops.add(create ? WriteOp.create(write.service()) : WriteOp.update(write.service()));
        write.created().forEach(r -> ops.add(WriteOp.create(r)));
        write.expired().forEach(r -> ops.add(WriteOp.delete(r)));
        store.commit(ops);
    }

    private static Service service(ObjectStore store, String name) {
        return store.get(Kind.SERVICE, name).orElseThrow();
    }

    private static List<Task> live(List<Task> tasks, String service) {
        return tasks.stream().filter(t -> t.spec().serviceName().equals(service) && t.isLive()).toList();
    }

    private static boolean isUp(Task t) {
        return t.isLive() && t.status().state() == TaskState.RUNNING;
    }

    /** Waits until every slot of {@code service} has one running task of {@code image}. */
    private static void awaitAllRunning(ObjectStore store, String service, int replicas, String image) {
        await().atMost(TIMEOUT).until(() -> live(store.list(Kind.TASK).items(), service),
                l -> l.size() == replicas && l.stream().allMatch(t -> isUp(t) && t.spec().template().image()
                        .equals(image)));
    }

    /** Waits for the service's rollout to reach {@code state} at its current revision. */
    private static Service awaitRollout(ObjectStore store, String name, UpdateState state) {
        return await().atMost(TIMEOUT).until(() -> service(store, name), s -> s.status().update().state() == state
                && s.status().update().revision() == s.status().revision());
    }

    /**
     * The agents of every node: an assigned task is reported running (or failed, for the bad
     * image), a task asked to shut down is reported stopped. Each listing is also handed to a
     * sampler.
     */
    private static final class Agents implements AutoCloseable {
        private final ObjectStore store;
        private final Consumer<List<Task>> sampler;
        private final Thread thread;
        private volatile boolean stopped;

        Agents(ObjectStore store, Consumer<List<Task>> sampler) {
            this.store = store;
            this.sampler = sampler;
            this.thread = new Thread(this::run, "bt-ro-agents");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            while (!stopped) {
                List<Task> tasks = store.list(Kind.TASK).items();
                sampler.accept(tasks);
                for (Task t : tasks) {
                    try {
                        act(t);
                    } catch (StoreException e) {
                        // the manager changed the task meanwhile: the next round sees it
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void act(Task t) {
            Instant now = Instant.now();
            if (t.spec().desiredState() == TaskState.RUNNING && t.status().state() == TaskState.ASSIGNED) {
                boolean bad = t.spec().template().image().equals(BAD);
                store.update(t.withStatus(bad ? t.status().movedTo(TaskState.FAILED, "exited", "non-zero exit (1)",
                        now) : t.status().movedTo(TaskState.RUNNING, "started", "", now)));
            } else if (t.spec().desiredState() == TaskState.SHUTDOWN && !t.status().state().isTerminal()
                    && t.status().state().ordinal() >= TaskState.ASSIGNED.ordinal()) {
                store.update(t.withStatus(t.status().movedTo(TaskState.SHUTDOWN, "shut down", "", now)));
            }
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            thread.join(5000);
        }
    }

    @Test
    void anImageChangeReplacesAllTasksInBatchesOfParallelism(EtcdTestEnv env) throws Exception {
        ObjectStore store = env.newStore();
        store.create(node("n1"));
        store.create(node("n2"));
        String name = "bt-ro-batches";
        UpdateConfig update = config(2, FailureAction.PAUSE, MONITOR, UpdateOrder.STOP_FIRST);
        Map<String, Instant> shutDownAt = new ConcurrentHashMap<>();
        List<Integer> slotsDown = new CopyOnWriteArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean();
        Consumer<List<Task>> sampler = tasks -> {
            if (!sampling.get()) {
                return;
            }
            List<Task> mine = tasks.stream().filter(t -> t.spec().serviceName().equals(name)).toList();
            long up = live(mine, name).stream().filter(RolloutControllerIT::isUp).map(t -> t.spec().slot())
                    .distinct().count();
            slotsDown.add(4 - (int) up);
            for (Task t : mine) {
                if (t.spec().template().image().equals("bt-ro/app:1") && t.spec().desiredState() == TaskState.SHUTDOWN) {
                    shutDownAt.putIfAbsent(t.id(), Instant.now());
                }
            }
        };
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC());
                Agents agents = new Agents(store, sampler)) {
            manager.start();
            create(store, name, spec("bt-ro/app:1", 4, update, null));
            awaitAllRunning(store, name, 4, "bt-ro/app:1");
            Service first = awaitRollout(store, name, UpdateState.COMPLETED);
            assertThat(first.status().revision()).isEqualTo(1);

            sampling.set(true);
            Instant start = Instant.now();
            assertThat(updateImage(store, name, "bt-ro/app:2").status().revision()).isEqualTo(2);
            Service done = awaitRollout(store, name, UpdateState.COMPLETED);
            awaitAllRunning(store, name, 4, "bt-ro/app:2");
            sampling.set(false);

            assertThat(done.status().update().startedAt()).get().matches(at -> !at.isBefore(start.minusSeconds(1)));
            assertThat(done.status().update().message()).isEqualTo("update completed");
            Service counted = await().atMost(TIMEOUT).until(() -> service(store, name),
                    s -> s.status().updated() == 4);
            assertThat(counted.status().running()).isEqualTo(4);
            assertThat(slotsDown).as("slots without a running task").isNotEmpty().allMatch(n -> n <= 2);
            assertThat(slotsDown).as("the sampler saw the rollout").anyMatch(n -> n > 0);

            List<Instant> times = shutDownAt.values().stream().sorted().toList();
            assertThat(times).as("every old task shut down once").hasSize(4);
            // sampled times: half the monitor leaves room for a slow sampler, and is still far more
            // than the second batch would wait if it did not wait for the monitor at all
            assertThat(Duration.between(times.get(1), times.get(2))).as("the second batch waits for the first's"
                    + " monitor").isGreaterThanOrEqualTo(MONITOR.dividedBy(2));
            List<ServiceRevision> revisions = Revisions.of(done, store.list(Kind.SERVICE_REVISION).items());
            assertThat(revisions).extracting(ServiceRevision::changeCause)
                    .containsExactly("created", "image: bt-ro/app:1 -> bt-ro/app:2");
        }
    }

    @Test
    void aFailingNewTaskPausesTheRollout(EtcdTestEnv env) throws Exception {
        ObjectStore store = env.newStore();
        store.create(node("n1"));
        String name = "bt-ro-pause";
        UpdateConfig update = config(1, FailureAction.PAUSE, MONITOR, UpdateOrder.STOP_FIRST);
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC());
                Agents agents = new Agents(store, tasks -> { })) {
            manager.start();
            create(store, name, spec("bt-ro/app:1", 3, update, null));
            awaitAllRunning(store, name, 3, "bt-ro/app:1");

            updateImage(store, name, BAD);
            Service paused = awaitRollout(store, name, UpdateState.PAUSED);

            UpdateStatus status = paused.status().update();
            assertThat(status.revision()).isEqualTo(2);
            assertThat(status.completedAt()).isPresent();
            assertThat(status.message()).startsWith("update paused due to failure or early termination of task "
                    + name + ".").contains("non-zero exit (1)");
            // paused: the two other slots keep their old tasks, whatever the failed slot does
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() ->
                    live(store.list(Kind.TASK).items(), name).stream()
                            .filter(t -> isUp(t) && t.spec().template().image().equals("bt-ro/app:1")).count() == 2);
            assertThat(service(store, name).status().update().state()).isEqualTo(UpdateState.PAUSED);
        }
    }

    @Test
    void failureActionRollbackReturnsToThePreviousRevision(EtcdTestEnv env) throws Exception {
        ObjectStore store = env.newStore();
        store.create(node("n1"));
        String name = "bt-ro-back";
        UpdateConfig update = config(1, FailureAction.ROLLBACK, MONITOR, UpdateOrder.STOP_FIRST);
        UpdateConfig rollback = config(0, FailureAction.PAUSE, Duration.ofMillis(500), UpdateOrder.STOP_FIRST);
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC());
                Agents agents = new Agents(store, tasks -> { })) {
            manager.start();
            create(store, name, spec("bt-ro/app:1", 3, update, rollback));
            awaitAllRunning(store, name, 3, "bt-ro/app:1");
            long generation = service(store, name).metadata().generation();

            updateImage(store, name, BAD);
            Service back = awaitRollout(store, name, UpdateState.ROLLBACK_COMPLETED);

            assertThat(back.spec().image()).isEqualTo("bt-ro/app:1");
            assertThat(back.spec().replicas()).isEqualTo(3);
            assertThat(back.status().revision()).isEqualTo(3);
            assertThat(back.metadata().generation()).as("update and rollback").isEqualTo(generation + 2);
            assertThat(back.status().update().message()).as("why it rolled back is kept").startsWith(
                    "rollback completed; update rolled back due to failure or early termination of task " + name + ".1")
                    .contains("non-zero exit (1)");
            List<ServiceRevision> revisions = Revisions.of(back, store.list(Kind.SERVICE_REVISION).items());
            assertThat(revisions).extracting(ServiceRevision::revision).containsExactly(1L, 2L, 3L);
            assertThat(revisions.get(2).changeCause()).isEqualTo("rollback to revision 1");
            assertThat(revisions.get(2).spec()).isEqualTo(back.spec());
            awaitAllRunning(store, name, 3, "bt-ro/app:1");
            assertThat(store.list(Kind.TASK).items().stream()
                    .filter(t -> t.spec().serviceName().equals(name) && t.spec().template().image().equals(BAD)))
                    .as("the bad version ran in one slot only (parallelism 1)")
                    .allMatch(t -> t.spec().slot() == 1);
        }
    }

    @Test
    void aNewLeaderFinishesAStartFirstRolloutWithoutDuplicates(EtcdTestEnv env) throws Exception {
        ObjectStore store = env.newStore();
        store.create(node("n1"));
        store.create(node("n2"));
        String name = "bt-ro-leader";
        UpdateConfig update = config(1, FailureAction.PAUSE, MONITOR, UpdateOrder.START_FIRST);
        List<String> duplicates = new CopyOnWriteArrayList<>();
        List<Integer> slotsDown = new CopyOnWriteArrayList<>();
        AtomicBoolean updating = new AtomicBoolean();
        Consumer<List<Task>> sampler = tasks -> {
            Map<String, Long> perSlotAndImage = live(tasks, name).stream().collect(Collectors.groupingBy(
                    t -> t.spec().slot() + " " + t.spec().template().image(), Collectors.counting()));
            perSlotAndImage.forEach((k, n) -> {
                if (n > 1) {
                    duplicates.add(k + " x" + n);
                }
            });
            Map<Integer, Boolean> up = new HashMap<>();
            live(tasks, name).forEach(t -> up.merge(t.spec().slot(), isUp(t), Boolean::logicalOr));
            if (updating.get() && up.size() == 4) {
                slotsDown.add((int) up.values().stream().filter(b -> !b).count());
            }
        };
        try (Agents agents = new Agents(store, sampler)) {
            try (ControllerManager first = new ControllerManager(store, Clock.systemUTC())) {
                first.start();
                create(store, name, spec("bt-ro/app:1", 4, update, null));
                awaitAllRunning(store, name, 4, "bt-ro/app:1");
                awaitRollout(store, name, UpdateState.COMPLETED);
                updating.set(true);
                updateImage(store, name, "bt-ro/app:2");
                // the first leader goes once a replacement runs and the rollout is under way
                await().atMost(TIMEOUT).until(() -> live(store.list(Kind.TASK).items(), name).stream()
                        .anyMatch(t -> isUp(t) && t.spec().template().image().equals("bt-ro/app:2")));
            }
            Service midway = service(store, name);
            assertThat(midway.status().update().state()).as("closed mid-rollout").isEqualTo(UpdateState.UPDATING);
            try (ControllerManager second = new ControllerManager(store, Clock.systemUTC())) {
                second.start();
                Service done = awaitRollout(store, name, UpdateState.COMPLETED);
                assertThat(done.status().update().revision()).isEqualTo(2);
                awaitAllRunning(store, name, 4, "bt-ro/app:2");
                await().atMost(TIMEOUT).until(() -> service(store, name).status().updated() == 4);
            }
        }
        assertThat(duplicates).as("slots holding two live tasks of one template").isEmpty();
        assertThat(slotsDown).as("start-first: every slot keeps a running task").isNotEmpty()
                .allMatch(n -> n == 0);
    }
    @Test
    void aGlobalServiceIsReplacedOneNodeAtATime(EtcdTestEnv env) throws Exception {
        ObjectStore store = env.newStore();
        List<String> nodes = List.of("g1", "g2", "g3");
        nodes.forEach(n -> store.create(node(n)));
        String name = "bt-ro-global";
        UpdateConfig update = config(1, FailureAction.PAUSE, Duration.ofMillis(300), UpdateOrder.STOP_FIRST);
        ServiceSpec v1 = new ServiceSpec("bt-ro/app:1", ServiceMode.GLOBAL, 0, null, null, null, null, null, null,
                null, update, null, null, null, null);
        AtomicBoolean updating = new AtomicBoolean();
        List<Integer> nodesDown = new CopyOnWriteArrayList<>();
        Consumer<List<Task>> sampler = tasks -> {
            if (updating.get()) {
                long up = live(tasks, name).stream().filter(RolloutControllerIT::isUp).map(t -> t.spec().nodeId())
                        .distinct().count();
                nodesDown.add(nodes.size() - (int) up);
            }
        };
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC());
                Agents agents = new Agents(store, sampler)) {
            manager.start();
            create(store, name, v1);
            awaitAllRunning(store, name, 3, "bt-ro/app:1");
            awaitRollout(store, name, UpdateState.COMPLETED);
            await().atMost(TIMEOUT).until(() -> service(store, name).status().replicas() == 3);

            updating.set(true);
            updateImage(store, name, "bt-ro/app:2");
            awaitRollout(store, name, UpdateState.COMPLETED);
            awaitAllRunning(store, name, 3, "bt-ro/app:2");
            updating.set(false);
        }
        assertThat(nodesDown).as("nodes without a running task (parallelism 1)").isNotEmpty().allMatch(n -> n <= 1);
    }
    @Test
    void marksOfARolledBackStartFirstRolloutDoNotLeakIntoTheNextRollout(EtcdTestEnv env) throws Exception {
        ObjectStore store = env.newStore();
        store.create(node("n1"));
        String name = "bt-ro-marks";
        UpdateConfig startFirst = config(2, FailureAction.ROLLBACK, MONITOR, UpdateOrder.START_FIRST);
        UpdateConfig fastRollback = config(0, FailureAction.PAUSE, Duration.ofMillis(300), UpdateOrder.STOP_FIRST);
        UpdateConfig stopFirst = config(1, FailureAction.PAUSE, Duration.ofMillis(300), UpdateOrder.STOP_FIRST);
        AtomicBoolean updating = new AtomicBoolean();
        List<String> doubled = new CopyOnWriteArrayList<>();
        Consumer<List<Task>> sampler = tasks -> {
            if (updating.get()) {
                live(tasks, name).stream().collect(Collectors.groupingBy(t -> t.spec().slot(), Collectors.counting()))
                        .forEach((slot, n) -> {
                            if (n > 1) {
                                doubled.add("slot " + slot);
                            }
                        });
            }
        };
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC());
                Agents agents = new Agents(store, sampler)) {
            manager.start();
            create(store, name, spec("bt-ro/app:1", 3, startFirst, fastRollback));
            awaitAllRunning(store, name, 3, "bt-ro/app:1");
            awaitRollout(store, name, UpdateState.COMPLETED);

            // start-first to a failing image: two old tasks marked, then a rollback
            updateImage(store, name, BAD);
            awaitRollout(store, name, UpdateState.ROLLBACK_COMPLETED);
            awaitAllRunning(store, name, 3, "bt-ro/app:1");
            assertThat(live(store.list(Kind.TASK).items(), name)).as("the scenario: marks left on current tasks")
                    .anyMatch(t -> t.metadata().annotations().containsKey(
                            dev.berth.controllers.service.ServiceReconciler.START_REPLACEMENT));

            // a stop-first rollout never holds two live tasks in a slot
            updating.set(true);
            updateSpec(store, name, s -> new ServiceSpec("bt-ro/app:3", s.mode(), s.replicas(), s.command(),
                    s.args(), s.env(), s.ports(), s.resources(), s.placement(), s.restartPolicy(), stopFirst,
                    s.rollback(), s.endpointMode(), s.stopSignal(), s.stopGracePeriod(), s.healthCheck(), s.init()));
            awaitRollout(store, name, UpdateState.COMPLETED);
            awaitAllRunning(store, name, 3, "bt-ro/app:3");
            updating.set(false);
        }
        assertThat(doubled).as("slots with two live tasks during a stop-first rollout").isEmpty();
    }
    @Test
    void aRollbackWithNoEarlierRevisionPausesInstead(EtcdTestEnv env) throws Exception {
        ObjectStore store = env.newStore();
        store.create(node("n1"));
        String name = "bt-ro-first";
        UpdateConfig update = config(1, FailureAction.ROLLBACK, MONITOR, UpdateOrder.STOP_FIRST);
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC());
                Agents agents = new Agents(store, tasks -> { })) {
            manager.start();
            // revision 1 fails: there is nothing to roll back to
            create(store, name, spec(BAD, 2, update, null));
            Service paused = awaitRollout(store, name, UpdateState.PAUSED);

            assertThat(paused.status().revision()).isEqualTo(1);
            assertThat(paused.spec().image()).as("nothing rolled back").isEqualTo(BAD);
            assertThat(paused.status().update().message()).startsWith("update paused due to failure or early"
                    + " termination of task " + name + ".").endsWith("; no earlier revision to roll back to");
            assertThat(Revisions.of(paused, store.list(Kind.SERVICE_REVISION).items())).hasSize(1);
        }
    }
}
