package dev.berth.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.berth.api.ObjectMeta;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DockerExecutorTest {

    @Test
    void keepsThePartOfTheRuntimesStartErrorAPersonNeeds() {
        String engine = "OCI runtime create failed: container_linux.go:380: starting container process caused:"
                + " exec: \"nope\": executable file not found in $PATH: unknown";
        assertThat(DockerExecutor.startFailureReason(engine))
                .isEqualTo("exec: \"nope\": executable file not found in $PATH");
        assertThat(DockerExecutor.startFailureReason("something else")).isEqualTo("something else");
    }

    @Test
    void readsTheEnginesMessageOutOfDockerJavasException() {
        NotFoundException e = new NotFoundException("{\"message\":\"No such image: x:1\"}\n");
        assertThat(DockerExecutor.engineMessage(e)).isEqualTo("No such image: x:1");
        assertThat(DockerExecutor.engineMessage(new NotFoundException("plain"))).isEqualTo("plain");
    }

    @Test
    void readsTheEnginesTimesAndItsNever() {
        assertThat(DockerExecutor.parseTime("2026-11-28T18:33:40.123456789Z"))
                .contains(java.time.Instant.parse("2026-11-28T18:33:40.123456789Z"));
        assertThat(DockerExecutor.parseTime("0001-01-01T00:00:00Z")).isEmpty();
        assertThat(DockerExecutor.parseTime("")).isEmpty();
    }

    @Test
    void pullsLatestOnlyWhenNoTagIsGiven() {
        assertThat(DockerExecutor.hasTagOrDigest("busybox")).isFalse();
        assertThat(DockerExecutor.hasTagOrDigest("localhost:5000/busybox")).isFalse();
        assertThat(DockerExecutor.hasTagOrDigest("localhost:5000/busybox:1")).isTrue();
        assertThat(DockerExecutor.hasTagOrDigest("berth-test/busybox:1")).isTrue();
        assertThat(DockerExecutor.hasTagOrDigest("busybox@sha256:abc")).isTrue();
    }

    @Test
    void roundsTheGracePeriodUpToWholeSeconds() {
        assertThat(DockerExecutor.graceSeconds(Duration.ofSeconds(10))).isEqualTo(10);
        assertThat(DockerExecutor.graceSeconds(Duration.ofMillis(1500))).isEqualTo(2);
        assertThat(DockerExecutor.graceSeconds(Duration.ZERO)).isZero();
    }

    @Test
    void namesContainersLikeSwarm() {
        Task replicated = Task.of(ObjectMeta.named("abc123"),
                new TaskSpec("web", "u1", 2, "n1", TaskState.RUNNING, ServiceSpec.ofImage("i").taskTemplate()), null);
        Task global = replicated.withSpec(new TaskSpec("agent", "u2", 0, "n1", TaskState.RUNNING,
                ServiceSpec.ofImage("i").taskTemplate()));
        assertThat(ContainerLabels.containerName(replicated)).isEqualTo("web.2.abc123");
        assertThat(ContainerLabels.containerName(global)).isEqualTo("agent.n1.abc123");
        assertThat(ContainerLabels.of(replicated)).containsEntry("berth.task.id", "abc123")
                .containsEntry("berth.service.name", "web").containsEntry("berth.node.id", "n1")
                .containsEntry("berth.managed", "true");
    }

    @Test
    void aTaskOnTheClusterNetworkGetsItsAddressAndTheGatewayAsDnsServer() {
        Task task = Task.of(ObjectMeta.named("t1"), new TaskSpec("web", "u", 1, "n1", TaskState.RUNNING,
                ServiceSpec.ofImage("img:1").taskTemplate()), null);
        try (DockerExecutor docker = new DockerExecutor("unix:///nonexistent.sock")) {
            var attached = docker.createCommand(task, "web.1.t1", java.util.Optional.of(
                    new NetworkAttachment("berth", "10.42.3.7", java.util.List.of("10.42.3.1"))));
            assertThat(attached.getHostConfig().getNetworkMode()).isEqualTo("berth");
            assertThat(attached.getHostConfig().getDns()).containsExactly("10.42.3.1");
            assertThat(attached.getIpv4Address()).isEqualTo("10.42.3.7");

            var plain = docker.createCommand(task, "web.1.t1", java.util.Optional.empty());
            assertThat(plain.getHostConfig().getNetworkMode()).isNull();
            assertThat(plain.getHostConfig().getDns()).isNull();
            assertThat(plain.getIpv4Address()).isNull();
        }
    }
}
