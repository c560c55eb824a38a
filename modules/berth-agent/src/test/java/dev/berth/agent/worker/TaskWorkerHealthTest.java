package dev.berth.agent.worker;

import static dev.berth.agent.worker.Tasks.inState;
import static dev.berth.agent.worker.Tasks.task;
import static dev.berth.agent.worker.Tasks.withHealth;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.agent.RunningTask;
import dev.berth.agent.health.HealthProbes;
import dev.berth.agent.network.ContainerAddresses;
import dev.berth.agent.network.ContainerNetwork;
import dev.berth.api.Cidr;
import dev.berth.api.HealthCheck;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
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
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Health checks in the worker: reported health, unhealthy tasks stopped and failed, adoption. */
class TaskWorkerHealthTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final ContainerNetwork.Ready READY = new ContainerNetwork.Ready("berth",
            Cidr.parse("10.42.3.0/24"), "10.42.3.1", "berth0");
    private static final HealthCheck CMD = new HealthCheck(List.of("/bin/sh", "-c", "true"), null, null,
            Duration.ofSeconds(1), Duration.ofSeconds(1), 2, null);
    private static final HealthCheck TCP = new HealthCheck(null, null, Optional.of(new HealthCheck.TcpProbe(80)),
            Duration.ofSeconds(1), Duration.ofSeconds(1), 2, null);

    private final FakeExecutor engine = new FakeExecutor();
    private final List<TaskStatusUpdate> updates = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Map<String, RunningTask>> runningTasks = new AtomicReference<>(Map.of());
    private final FakeProbes probes = new FakeProbes();
    private TaskWorker worker;

    /** Probes the test drives by hand. */
    static final class FakeProbes implements HealthProbes {
        record Watch(String address, HealthCheck check, String initial, Consumer<String> onHealth, boolean[] closed) {
        }

        final List<Watch> watches = Collections.synchronizedList(new ArrayList<>());

        @Override
        public AutoCloseable watch(String address, HealthCheck check, Instant startedAt, String initial,
                Consumer<String> onHealth) {
            Watch w = new Watch(address, check, initial, onHealth, new boolean[1]);
            watches.add(w);
            return () -> w.closed()[0] = true;
        }

        @Override
        public void close() {
        }
    }

    private TaskWorker worker(boolean clusterNetwork) {
        worker = new TaskWorker(engine, updates::add, runningTasks::set, Clock.fixed(NOW, ZoneOffset.UTC),
                new DirectExecutorService()).withHealthProbes(probes);
        if (clusterNetwork) {
            worker.withClusterNetwork(new ContainerAddresses());
        }
        worker.start();
        if (clusterNetwork) {
            worker.networkReady(READY);
        }
        return worker;
    }

    @AfterEach
    void closeWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    private List<TaskStatusUpdate> of(String taskId) {
        synchronized (updates) {
            return updates.stream().filter(u -> u.taskId().equals(taskId)).toList();
        }
    }

    private List<String> healths(String taskId) {
        return of(taskId).stream().filter(u -> u.state() == TaskState.RUNNING).map(TaskStatusUpdate::health).toList();
    }

    private TaskStatusUpdate last(String taskId) {
        List<TaskStatusUpdate> all = of(taskId);
        return all.get(all.size() - 1);
    }

    private void assign(Task... tasks) {
        worker.onAssignments(new Assignments(false, List.of(tasks), List.of()));
    }

    @Test
    void aCmdCheckIsStartingWithRunningThenHealthyFromTheEnginesEvent() {
        worker(false);
        assign(withHealth(task("t1", 1, "img:1"), CMD, false));

        assertThat(healths("t1")).containsExactly("starting");
        assertThat(of("t1").stream().filter(u -> u.state().ordinal() < TaskState.RUNNING.ordinal()))
                .allMatch(u -> u.health().isEmpty());
        assertThat(probes.watches).as("the engine runs cmd checks").isEmpty();

        engine.health("c-t1", "healthy");
        assertThat(healths("t1")).containsExactly("starting", "healthy");
        assertThat(last("t1").state()).isEqualTo(TaskState.RUNNING);
        assertThat(last("t1").containerId()).isEqualTo("c-t1");
        // the same news again (a reopened event stream) is not sent twice
        engine.health("c-t1", "healthy");
        assertThat(healths("t1")).containsExactly("starting", "healthy");
    }

    @Test
    void anUnhealthyTaskIsStoppedWithItsSignalAndGraceThenFailed() {
        worker(false);
        Task t = Tasks.withCommand(task("t1", 1, "img:1"), List.of(), List.of(), "SIGINT", Duration.ofSeconds(7));
        assign(withHealth(t, CMD, false));
        engine.health("c-t1", "healthy");

        engine.health("c-t1", "unhealthy");

        assertThat(healths("t1")).containsExactly("starting", "healthy", "unhealthy");
        assertThat(engine.calls).contains("shutdown c-t1 SIGINT 7s").doesNotContain("remove c-t1");
        TaskStatusUpdate failed = last("t1");
        assertThat(failed.state()).isEqualTo(TaskState.FAILED);
        assertThat(failed.error()).isEqualTo("unhealthy container");
        assertThat(failed.health()).isEqualTo("unhealthy");
        assertThat(of("t1").stream().filter(u -> u.state() == TaskState.FAILED)).hasSize(1);
        assertThat(runningTasks.get()).isEmpty();
    }

    @Test
    void aTaskWithoutACheckReportsNoHealthAndIgnoresHealthEvents() {
        worker(false);
        assign(task("t1", 1, "img:1"));
        engine.health("c-t1", "unhealthy");

        assertThat(of("t1")).allMatch(u -> u.health().isEmpty());
        assertThat(last("t1").state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void probeChecksWithoutTheClusterNetworkFailClearlyBeforeAnyContainer() {
        worker(false);
        assign(withHealth(task("t1", 1, "img:1"), TCP, false));

        assertThat(last("t1").state()).isEqualTo(TaskState.FAILED);
        assertThat(last("t1").error()).contains("httpGet/tcp health checks need the cluster network");
        assertThat(engine.calls).isEmpty();
        assertThat(probes.watches).isEmpty();
    }

    @Test
    void aProbedTaskIsProbedAtItsAddressAndReportsWhatTheProberSays() {
        worker(true);
        assign(withHealth(task("t1", 1, "img:1"), TCP, false));

        assertThat(probes.watches).hasSize(1);
        FakeProbes.Watch w = probes.watches.get(0);
        assertThat(w.address()).isEqualTo("10.42.3.2");
        assertThat(w.initial()).isEqualTo("starting");
        assertThat(healths("t1")).containsExactly("starting");

        w.onHealth().accept("healthy");
        assertThat(healths("t1")).containsExactly("starting", "healthy");

        w.onHealth().accept("unhealthy");
        assertThat(engine.calls).contains("shutdown c-t1 SIGTERM 10s");
        assertThat(last("t1").state()).isEqualTo(TaskState.FAILED);
        assertThat(last("t1").error()).isEqualTo("unhealthy container");
        assertThat(w.closed()[0]).as("probing stops with the task").isTrue();
    }

    @Test
    void probingStopsWhenTheTaskIsShutDown() {
        worker(true);
        Task t = withHealth(task("t1", 1, "img:1"), TCP, false);
        assign(t);
        FakeProbes.Watch w = probes.watches.get(0);

        assign(Tasks.desired(t, TaskState.SHUTDOWN));

        assertThat(w.closed()[0]).isTrue();
        w.onHealth().accept("healthy"); // a late result
        assertThat(healths("t1")).containsExactly("starting");
    }

    @Test
    void probingStopsWhenTheContainerExits() {
        worker(true);
        assign(withHealth(task("t1", 1, "img:1"), TCP, false));
        FakeProbes.Watch w = probes.watches.get(0);

        engine.exit("c-t1", 1);

        assertThat(w.closed()[0]).isTrue();
        assertThat(last("t1").error()).isEqualTo("non-zero exit (1)");
    }

    @Test
    void anAdoptedContainerResumesItsEnginesHealth() {
        worker(false);
        Task t = inState(withHealth(task("t1", 1, "img:1"), CMD, false), TaskState.RUNNING);
        engine.existing("old-t1", t, true, -1);
        engine.health("old-t1", "healthy");

        worker.onAssignments(new Assignments(true, List.of(t), List.of()));

        assertThat(healths("t1")).containsExactly("healthy");
        engine.health("old-t1", "unhealthy");
        assertThat(last("t1").error()).isEqualTo("unhealthy container");
        assertThat(engine.calls).contains("shutdown old-t1 SIGTERM 10s");
    }

    @Test
    void anAdoptedProbedContainerIsProbedAgainFromItsLastHealth() {
        worker(true);
        Task t = withHealth(task("t1", 1, "img:1"), TCP, false);
        t = t.withStatus(new TaskStatus(TaskState.RUNNING, "started", "", Optional.of(NOW), "old-t1", "10.42.3.9",
                "healthy"));
        engine.existing("old-t1", t, true, -1, "10.42.3.9");

        worker.onAssignments(new Assignments(true, List.of(t), List.of()));

        assertThat(healths("t1")).containsExactly("healthy");
        assertThat(probes.watches).hasSize(1);
        assertThat(probes.watches.get(0).address()).isEqualTo("10.42.3.9");
        assertThat(probes.watches.get(0).initial()).isEqualTo("healthy");
    }
}
