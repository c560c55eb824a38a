package dev.berth.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.api.ObjectMeta;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskTemplate;
import dev.berth.testkit.DockerExtension;
import dev.berth.testkit.DockerTestEnv;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Docker executor on a real engine: events, listing by label, logs, a leftover container. */
@ExtendWith(DockerExtension.class)
class DockerExecutorIT {

    private DockerTestEnv docker;
    private String nodeId;
    private DockerExecutor executor;

    @BeforeEach
    void setUp(DockerTestEnv env) {
        docker = env;
        nodeId = "it" + UUID.randomUUID().toString().substring(0, 8);
        executor = new DockerExecutor(env.host(), () -> Optional.of(nodeId));
    }

    @AfterEach
    void tearDown() {
        executor.close();
        docker.removeContainers("berth.node.id=" + nodeId);
    }

    private Task task(String id, List<String> args) {
        TaskTemplate base = ServiceSpec.ofImage(docker.busyboxImage()).taskTemplate();
        TaskTemplate t = new TaskTemplate(base.image(), List.of(), args, Map.of(), List.of(), base.resources(),
                base.placement(), base.restartPolicy(), "SIGTERM", Duration.ofSeconds(1));
        return Task.of(ObjectMeta.named(id), new TaskSpec("exec", "u", 1, nodeId, TaskState.RUNNING, t), null);
    }

    @Test
    void eventsTellStartAndDieWithTheExitCodeAndLogsAreReadable() throws Exception {
        List<ContainerEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (AutoCloseable sub = executor.subscribe(events::add)) {
            String id = executor.prepare(task("t" + nodeId, List.of("sh", "-c", "echo hello; echo oops >&2; exit 3")));
            executor.start(id);

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    events.stream().anyMatch(e -> e.type() == ContainerEvent.Type.DIE));
            ContainerEvent die = events.stream().filter(e -> e.type() == ContainerEvent.Type.DIE).findFirst().orElseThrow();
            assertThat(die.containerId()).isEqualTo(id);
            assertThat(die.taskId()).isEqualTo("t" + nodeId);
            assertThat(die.exitCode()).contains(3);
            assertThat(events.get(0).type()).isEqualTo(ContainerEvent.Type.START);
            assertThat(executor.inspect(id)).get().satisfies(c -> {
                assertThat(c.running()).isFalse();
                assertThat(c.exitCode()).isEqualTo(3);
            });

            List<LogSource.LogLine> lines = Collections.synchronizedList(new ArrayList<>());
            try (AutoCloseable logs = executor.logs(id, Optional.empty(), false, lines::add)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() == 2);
            }
            assertThat(lines).containsExactlyInAnyOrder(new LogSource.LogLine(false, "hello"),
                    new LogSource.LogLine(true, "oops"));
        }
    }

    @Test
    void listsOnlyThisNodesContainersAndReplacesALeftoverOfTheSameName() throws Exception {
        Task task = task("t" + nodeId, List.of("sleep", "300"));
        String leftover = executor.prepare(task);
        // an agent died after create: the next prepare of the same task replaces the container
        String fresh = executor.prepare(task);
        java.time.Instant before = java.time.Instant.now().minusSeconds(5);
        executor.start(fresh);

        assertThat(fresh).isNotEqualTo(leftover);
        assertThat(executor.inspect(fresh).orElseThrow().startedAt()).get()
                .satisfies(t -> assertThat(t).isAfter(before));
        assertThat(executor.inspect(leftover)).isEmpty();
        assertThat(executor.listManaged()).extracting(ContainerInfo::id).containsExactly(fresh);
        ContainerInfo listed = executor.listManaged().get(0);
        assertThat(listed.running()).isTrue();
        assertThat(listed.taskId()).isEqualTo("t" + nodeId);
        assertThat(listed.name()).isEqualTo("exec.1.t" + nodeId);
        assertThat(listed.ipAddress()).isNotEmpty();
        try (DockerExecutor otherNode = new DockerExecutor(docker.host(), () -> Optional.of("other" + nodeId))) {
            assertThat(otherNode.listManaged()).extracting(ContainerInfo::id).doesNotContain(fresh);
        }

        executor.shutdown(fresh, "SIGTERM", Duration.ofSeconds(1));
        assertThat(executor.inspect(fresh)).get().extracting(ContainerInfo::running).isEqualTo(false);
        executor.remove(fresh);
        executor.remove(fresh); // gone already: fine
        assertThat(executor.listManaged()).isEmpty();
    }
}
