package dev.berth.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.agent.RunningTask;
import dev.berth.api.ByteSize;
import dev.berth.api.ObjectMeta;
import dev.berth.api.ResourceList;
import dev.berth.api.Resources;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The task worker over the real Docker executor and a real engine: every state a task goes
 * through, its failures, shutdown and adoption after a restart.
 */
@ExtendWith(DockerExtension.class)
class TaskWorkerIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<TaskState> UP_TO_RUNNING = List.of(TaskState.ACCEPTED, TaskState.PREPARING,
            TaskState.READY, TaskState.STARTING, TaskState.RUNNING);

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
        rig = new WorkerRig(env, "it");
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

    private Task task(String id, int slot, TaskTemplate template) {
        return Task.of(ObjectMeta.named(id), new TaskSpec("svc", "uid", slot, nodeId, TaskState.RUNNING, template),
                TaskStatus.of(TaskState.ASSIGNED, "assigned", Instant.now()));
    }

    private TaskTemplate template(String image, List<String> command, List<String> args) {
        TaskTemplate t = ServiceSpec.ofImage(image).taskTemplate();
        return new TaskTemplate(image, command, args, Map.of(), List.of(), t.resources(), t.placement(),
                t.restartPolicy(), "SIGTERM", Duration.ofSeconds(10));
    }

    private TaskTemplate sh(String script) {
        return template(image, List.of(), List.of("sh", "-c", script));
    }

    private static String newId() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    private List<TaskStatusUpdate> updatesOf(String taskId) {
        synchronized (updates) {
            return updates.stream().filter(u -> u.taskId().equals(taskId)).toList();
        }
    }

    private List<TaskState> states(String taskId) {
        return updatesOf(taskId).stream().map(TaskStatusUpdate::state).toList();
    }

    private TaskStatusUpdate awaitState(String taskId, TaskState state) {
        await().atMost(WAIT).until(() -> states(taskId).contains(state));
        return updatesOf(taskId).stream().filter(u -> u.state() == state).findFirst().orElseThrow();
    }

    private void assign(TaskWorker worker, Task... tasks) {
        worker.onAssignments(new Assignments(false, List.of(tasks), List.of()));
    }

    @Test
    void aContainerThatExitsZeroCompletes() {
        TaskWorker worker = newWorker();
        String id = newId();
        assign(worker, task(id, 1, sh("sleep 1; exit 0")));

        TaskStatusUpdate complete = awaitState(id, TaskState.COMPLETE);

        assertThat(states(id)).containsExactly(TaskState.ACCEPTED, TaskState.PREPARING, TaskState.READY,
                TaskState.STARTING, TaskState.RUNNING, TaskState.COMPLETE);
        assertThat(complete.exitCode()).isZero();
        String containerId = complete.containerId();
        assertThat(containerId).hasSize(64);
        // Swarm's name, Berth's labels, and Docker's default hostname (the short id)
        assertThat(docker.docker("inspect", "-f", "{{.Name}} {{.Config.Hostname}} {{index .Config.Labels \"berth.task.id\"}}"
                + " {{index .Config.Labels \"berth.node.id\"}} {{index .Config.Labels \"berth.service.name\"}}", containerId))
                .isEqualTo("/svc.1." + id + " " + containerId.substring(0, 12) + " " + id + " " + nodeId + " svc");
    }

    @Test
    void aNonZeroExitFails() {
        TaskWorker worker = newWorker();
        String id = newId();
        assign(worker, task(id, 1, sh("exit 1")));

        TaskStatusUpdate failed = awaitState(id, TaskState.FAILED);

        assertThat(failed.error()).isEqualTo("non-zero exit (1)");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(states(id)).containsExactlyElementsOf(concat(UP_TO_RUNNING, TaskState.FAILED));
    }

    @Test
    void aMissingImageFailsWithNoSuchImage() {
        TaskWorker worker = newWorker();
        String id = newId();
        assign(worker, task(id, 1, template("berth-test/nope:1", List.of(), List.of())));

        TaskStatusUpdate failed = awaitState(id, TaskState.FAILED);

        assertThat(failed.error()).isEqualTo("No such image: berth-test/nope:1");
        assertThat(states(id)).containsExactly(TaskState.ACCEPTED, TaskState.PREPARING, TaskState.FAILED);
        assertThat(docker.containers("berth.task.id=" + id)).isEmpty();
    }

    @Test
    void aCommandNotInTheImageFailsWithDockersReason() {
        TaskWorker worker = newWorker();
        String id = newId();
        assign(worker, task(id, 1, template(image, List.of("nope"), List.of())));

        TaskStatusUpdate failed = awaitState(id, TaskState.FAILED);

        assertThat(failed.error()).startsWith("container failed to start: ")
                .contains("exec: \"nope\": executable file not found");
        assertThat(states(id)).containsExactly(TaskState.ACCEPTED, TaskState.PREPARING, TaskState.READY,
                TaskState.STARTING, TaskState.FAILED);
        await().atMost(WAIT).until(() -> docker.containers("berth.task.id=" + id).isEmpty());
    }

    @Test
    void envLimitsAndStopSignalReachTheContainer() {
        TaskWorker worker = newWorker();
        String id = newId();
        TaskTemplate base = sh("sleep 300");
        TaskTemplate t = new TaskTemplate(image, List.of(), base.args(), Map.of("GREETING", "hello"), List.of(),
                new Resources(ResourceList.NONE, new ResourceList(0.5, ByteSize.parse("64Mi"))), base.placement(),
                base.restartPolicy(), "SIGINT", Duration.ofSeconds(3));
        assign(worker, task(id, 2, t));

        String containerId = awaitState(id, TaskState.RUNNING).containerId();

        assertThat(docker.docker("inspect", "-f", "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.Config.StopSignal}}"
                + " {{.Config.StopTimeout}} {{json .Config.Cmd}}", containerId))
                .isEqualTo("500000000 67108864 SIGINT 3 [\"sh\",\"-c\",\"sleep 300\"]");
        assertThat(docker.docker("inspect", "-f", "{{json .Config.Env}}", containerId)).contains("\"GREETING=hello\"");
        assertThat(running.get()).containsKey(id);
        // no published port: the agent does not ask the engine for the address
        assertThat(running.get().get(id).containerIp()).isEmpty();
    }

    @Test
    void shutdownStopsWithinTheGracePeriodAndRemovesTheContainer() {
        TaskWorker worker = newWorker();
        String polite = newId();
        String stubborn = newId();
        TaskTemplate trapping = withGrace(sh("trap 'exit 0' TERM; sleep 300 & wait"), Duration.ofSeconds(30));
        // PID 1 ignores SIGTERM without a handler: only the kill after the grace period stops it
        TaskTemplate ignoring = withGrace(sh("sleep 300"), Duration.ofSeconds(2));
        Task a = task(polite, 1, trapping);
        Task b = task(stubborn, 2, ignoring);
        assign(worker, a, b);
        awaitState(polite, TaskState.RUNNING);
        awaitState(stubborn, TaskState.RUNNING);

        long start = System.nanoTime();
        assign(worker, a.withSpec(a.spec().withDesiredState(TaskState.SHUTDOWN)),
                b.withSpec(b.spec().withDesiredState(TaskState.SHUTDOWN)));
        awaitState(polite, TaskState.SHUTDOWN);
        Duration politeTook = Duration.ofNanos(System.nanoTime() - start);
        awaitState(stubborn, TaskState.SHUTDOWN);

        // the trap answered the signal long before its 30 s grace period ran out
        assertThat(politeTook).isLessThan(Duration.ofSeconds(20));
        assertThat(states(polite)).doesNotContain(TaskState.FAILED, TaskState.COMPLETE).endsWith(TaskState.SHUTDOWN);
        assertThat(states(stubborn)).doesNotContain(TaskState.FAILED).endsWith(TaskState.SHUTDOWN);
        await().atMost(WAIT).until(() -> docker.containers("berth.node.id=" + nodeId).isEmpty());
        assertThat(running.get()).isEmpty();
    }

    @Test
    void aNewWorkerAdoptsRunningContainersAndRemovesStrays() throws Exception {
        TaskWorker first = newWorker();
        String kept = newId();
        String stray = newId();
        Task keptTask = task(kept, 1, sh("sleep 300"));
        assign(first, keptTask, task(stray, 2, sh("sleep 300")));
        String keptContainer = awaitState(kept, TaskState.RUNNING).containerId();
        String strayContainer = awaitState(stray, TaskState.RUNNING).containerId();
        // the agent "restarts": its worker goes, the containers stay
        first.close();
        updates.clear();
        Thread.sleep(1100);
        Instant restartedAt = Instant.now();

        TaskWorker second = newWorker();
        second.onAssignments(new Assignments(true,
                List.of(keptTask.withStatus(TaskStatus.of(TaskState.RUNNING, "started", Instant.now()))), List.of()));

        TaskStatusUpdate adopted = awaitState(kept, TaskState.RUNNING);
        assertThat(adopted.containerId()).isEqualTo(keptContainer);
        // stamped with the container's start, not the adoption: service ps keeps its "Running 2 minutes ago"
        assertThat(adopted.timestamp()).isBefore(restartedAt);
        await().atMost(WAIT).until(() -> docker.containers("berth.task.id=" + stray).isEmpty());
        assertThat(docker.containers("berth.task.id=" + kept)).containsExactly(keptContainer);
        assertThat(docker.docker("inspect", "-f", "{{.State.Running}}", keptContainer)).isEqualTo("true");
        assertThat(states(kept)).containsExactly(TaskState.RUNNING);
        assertThat(strayContainer).isNotEqualTo(keptContainer);

        // and it is watched: killed from outside, the task fails
        docker.docker("kill", keptContainer);
        TaskStatusUpdate failed = awaitState(kept, TaskState.FAILED);
        assertThat(failed.error()).isEqualTo("non-zero exit (137)");
    }

    private static TaskTemplate withGrace(TaskTemplate t, Duration grace) {
        return new TaskTemplate(t.image(), t.command(), t.args(), t.env(), t.ports(), t.resources(), t.placement(),
                t.restartPolicy(), t.stopSignal(), grace);
    }

    private static List<TaskState> concat(List<TaskState> head, TaskState last) {
        List<TaskState> all = new ArrayList<>(head);
        all.add(last);
        return all;
    }
}
