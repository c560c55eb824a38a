package dev.berth.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.agent.RunningTask;
import dev.berth.api.HealthCheck;
import dev.berth.api.ObjectMeta;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.api.TaskTemplate;
import dev.berth.api.session.SessionMessage.Assignments;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import dev.berth.testkit.DockerExtension;
import dev.berth.testkit.DockerTestEnv;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Health checks and init on the real engine: Docker's HEALTHCHECK from a {@code cmd} check,
 * reported through the engine's events; an unhealthy task stopped and failed; Docker's init as
 * PID 1; adoption of a container with a check.
 */
@ExtendWith(DockerExtension.class)
class HealthCheckIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private DockerTestEnv docker;
    private String nodeId;
    private String image;
    private List<TaskStatusUpdate> updates;
    private AtomicReference<Map<String, RunningTask>> running;
    private WorkerRig rig;

    @BeforeEach
    void setUp(DockerTestEnv env) {
        docker = env;
        image = env.busyboxImage();
        rig = new WorkerRig(env, "bt-h-agent-");
        nodeId = rig.nodeId();
        updates = rig.updates();
        running = rig.running();
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    private TaskWorker newWorker() {
        return rig.newWorker();
    }

    private Task task(String id, TaskTemplate template) {
        return Task.of(ObjectMeta.named(id), new TaskSpec("bt-h-agent", "uid", 1, nodeId, TaskState.RUNNING, template),
                TaskStatus.of(TaskState.ASSIGNED, "assigned", Instant.now()));
    }

    private TaskTemplate template(List<String> args, HealthCheck check, boolean init) {
        TaskTemplate t = ServiceSpec.ofImage(image).taskTemplate();
        return new TaskTemplate(image, List.of(), args, Map.of(), List.of(), t.resources(), t.placement(),
                t.restartPolicy(), "SIGTERM", Duration.ofSeconds(10), check, init);
    }

    private static HealthCheck cmd(String script, int retries) {
        return new HealthCheck(List.of("/bin/sh", "-c", script), null, null, Duration.ofSeconds(1),
                Duration.ofSeconds(1), retries, null);
    }

    private static String newId() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    private List<TaskStatusUpdate> updatesOf(String taskId) {
        synchronized (updates) {
            return updates.stream().filter(u -> u.taskId().equals(taskId)).toList();
        }
    }

    private List<String> healths(String taskId) {
        return updatesOf(taskId).stream().filter(u -> u.state() == TaskState.RUNNING).map(TaskStatusUpdate::health)
                .toList();
    }

    private TaskStatusUpdate awaitState(String taskId, TaskState state) {
        await().atMost(WAIT).until(() -> updatesOf(taskId).stream().anyMatch(u -> u.state() == state));
        return updatesOf(taskId).stream().filter(u -> u.state() == state).findFirst().orElseThrow();
    }

    @Test
    void aPassingCmdCheckIsReportedHealthyWithinSeconds() {
        TaskWorker worker = newWorker();
        String id = newId();
        worker.onAssignments(new Assignments(false, List.of(task(id, template(List.of("sleep", "300"),
                cmd("true", 3), false))), List.of()));

        String containerId = awaitState(id, TaskState.RUNNING).containerId();
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> healths(id).contains("healthy"));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        assertThat(healths(id)).containsExactly("starting", "healthy");
        assertThat(docker.docker("inspect", "-f", "{{json .Config.Healthcheck.Test}} {{.Config.Healthcheck.Interval}}"
                + " {{.Config.Healthcheck.Retries}} {{.State.Health.Status}}", containerId))
                .isEqualTo("[\"CMD\",\"/bin/sh\",\"-c\",\"true\"] 1s 3 healthy");
    }

    @Test
    void aFailingCmdCheckStopsTheContainerAndFailsTheTask() {
        TaskWorker worker = newWorker();
        String id = newId();
        worker.onAssignments(new Assignments(false, List.of(task(id, template(List.of("sleep", "300"),
                cmd("false", 2), true))), List.of()));

        TaskStatusUpdate failed = awaitState(id, TaskState.FAILED);

        assertThat(failed.error()).isEqualTo("unhealthy container");
        assertThat(healths(id)).containsExactly("starting", "unhealthy");
        assertThat(docker.docker("inspect", "-f", "{{.State.Running}}", failed.containerId())).isEqualTo("false");
        assertThat(running.get()).doesNotContainKey(id);
    }

    @Test
    void withInitAPid1ThatIgnoresSigtermStopsAtOnce() {
        TaskWorker worker = newWorker();
        String id = newId();
        Task t = task(id, template(List.of("sleep", "300"), HealthCheck.NONE, true));
        worker.onAssignments(new Assignments(false, List.of(t), List.of()));
        String containerId = awaitState(id, TaskState.RUNNING).containerId();

        assertThat(docker.docker("inspect", "-f", "{{.HostConfig.Init}}", containerId)).isEqualTo("true");
        long start = System.nanoTime();
        worker.onAssignments(new Assignments(false, List.of(t.withSpec(t.spec().withDesiredState(TaskState.SHUTDOWN))),
                List.of()));
        awaitState(id, TaskState.SHUTDOWN);

        // without init, sleep as PID 1 ignores SIGTERM and only the kill after 10 s stops it
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(updatesOf(id)).allMatch(u -> u.health().isEmpty());
    }

    @Test
    void anAdoptedContainerWithACheckResumesReportingItsHealth() throws Exception {
        TaskWorker first = newWorker();
        String id = newId();
        // healthy while /tmp/ok says yes (the test image has no rm: the shell's builtins do it)
        Task t = task(id, template(List.of("sh", "-c", "echo yes > /tmp/ok; sleep 300"),
                cmd("test \"$(cat /tmp/ok)\" = yes", 2), false));
        first.onAssignments(new Assignments(false, List.of(t), List.of()));
        String containerId = awaitState(id, TaskState.RUNNING).containerId();
        await().atMost(WAIT).until(() -> healths(id).contains("healthy"));
        first.close();
        updates.clear();

        TaskWorker second = newWorker();
        second.onAssignments(new Assignments(true, List.of(t.withStatus(new TaskStatus(TaskState.RUNNING, "started",
                "", Optional.of(Instant.now()), containerId, "", "healthy"))), List.of()));

        await().atMost(WAIT).until(() -> healths(id).contains("healthy"));
        assertThat(healths(id).get(0)).as("the engine's health, read at adoption").isEqualTo("healthy");
        docker.docker("exec", containerId, "sh", "-c", "echo no > /tmp/ok");
        TaskStatusUpdate failed = awaitState(id, TaskState.FAILED);
        assertThat(failed.error()).isEqualTo("unhealthy container");
    }
}
