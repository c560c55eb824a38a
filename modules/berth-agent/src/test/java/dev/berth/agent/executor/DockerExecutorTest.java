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
                    new NetworkAttachment("berth", "berth0", "10.42.3.7", 24, "10.42.3.1",
                            java.util.List.of("10.42.3.1"))));
            assertThat(attached.getHostConfig().getNetworkMode()).isEqualTo("berth");
            assertThat(attached.getHostConfig().getDns()).containsExactly("10.42.3.1");
            assertThat(attached.getIpv4Address()).isEqualTo("10.42.3.7");

            var plain = docker.createCommand(task, "web.1.t1", java.util.Optional.empty());
            assertThat(plain.getHostConfig().getNetworkMode()).isNull();
            assertThat(plain.getHostConfig().getDns()).isNull();
            assertThat(plain.getIpv4Address()).isNull();
        }
    }

    @Test
    void aTaskTheAgentLinksStartsWithoutANetworkBehindTheWrapperWithItsAddressInLabels() {
        Task task = Task.of(ObjectMeta.named("t1"), new TaskSpec("web", "u", 1, "n1", TaskState.RUNNING,
                ServiceSpec.ofImage("img:1").taskTemplate()), null);
        NetworkAttachment link = new NetworkAttachment("berth", "berth0", "10.42.3.7", 24, "10.42.3.1",
                java.util.List.of("10.42.3.1"));
        try (DockerExecutor docker = new DockerExecutor("unix:///nonexistent.sock")
                .withNetworkPlumbing(new NetworkPlumber() {
                    @Override
                    public void connect(long pid, String containerId, NetworkAttachment attachment) {
                    }

                    @Override
                    public boolean connected(String containerId) {
                        return true;
                    }
                }, java.nio.file.Path.of("/bin/busybox"), java.nio.file.Path.of("/var/lib/berth/containers"))) {
            var cmd = docker.createCommand(task, "web.1.t1", java.util.Optional.of(link),
                    java.util.List.of("redis-server", "--port", "6379"));
            assertThat(cmd.getHostConfig().getNetworkMode()).isEqualTo("none");
            // no engine networking: the agent writes the files the engine's network would have
            assertThat(cmd.isNetworkDisabled()).isTrue();
            assertThat(cmd.getHostConfig().getDns()).isNullOrEmpty();
            assertThat(cmd.getIpv4Address()).isNull();
            assertThat(cmd.getHostConfig().getBinds()).extracting(Object::toString).containsExactly(
                    "/bin/busybox:/.berth/busybox:ro",
                    "/var/lib/berth/containers/t1/hosts:/etc/hosts:rw",
                    "/var/lib/berth/containers/t1/hostname:/etc/hostname:rw",
                    "/var/lib/berth/containers/t1/resolv.conf:/etc/resolv.conf:rw");
            assertThat(cmd.getEntrypoint()).containsExactlyElementsOf(EntrypointWrapper.entrypoint());
            assertThat(cmd.getCmd()).containsExactly("redis-server", "--port", "6379");
            assertThat(cmd.getLabels()).containsEntry("berth.network.address", "10.42.3.7/24")
                    .containsEntry("berth.network.gateway", "10.42.3.1")
                    .containsEntry("berth.network.bridge", "berth0")
                    .containsEntry("berth.task.id", "t1");
            assertThat(ContainerLabels.attachment(cmd.getLabels())).get().satisfies(back -> {
                assertThat(back.cidr()).isEqualTo("10.42.3.7/24");
                assertThat(back.gateway()).isEqualTo("10.42.3.1");
                assertThat(back.bridge()).isEqualTo("berth0");
            });
            assertThat(ContainerLabels.address(cmd.getLabels())).isEqualTo("10.42.3.7");
        }
        assertThat(ContainerLabels.attachment(java.util.Map.of("berth.network.address", "10.42.3.7"))).isEmpty();
        assertThat(ContainerLabels.attachment(java.util.Map.of("berth.network.address", "10.42.3.7/x",
                "berth.network.gateway", "g", "berth.network.bridge", "b"))).isEmpty();
        assertThat(ContainerLabels.address(java.util.Map.of())).isEmpty();
    }

    @Test
    void theWrappedCommandFollowsDockersRulesForEntrypointAndArguments() {
        java.util.List<String> none = java.util.List.of();
        // the image's entrypoint and default arguments
        assertThat(EntrypointWrapper.effectiveCommand(none, none, java.util.List.of("/entry"), java.util.List.of("a")))
                .containsExactly("/entry", "a");
        // arguments replace the image's default arguments, not its entrypoint
        assertThat(EntrypointWrapper.effectiveCommand(none, java.util.List.of("b"), java.util.List.of("/entry"),
                java.util.List.of("a"))).containsExactly("/entry", "b");
        // an entrypoint of the task replaces the image's entrypoint and default arguments
        assertThat(EntrypointWrapper.effectiveCommand(java.util.List.of("sh"), none, java.util.List.of("/entry"),
                java.util.List.of("a"))).containsExactly("sh");
        assertThat(EntrypointWrapper.effectiveCommand(java.util.List.of("sh"), java.util.List.of("-c", "x"),
                java.util.List.of("/entry"), java.util.List.of("a"))).containsExactly("sh", "-c", "x");
        assertThat(EntrypointWrapper.effectiveCommand(none, none, none, java.util.List.of("redis-server")))
                .containsExactly("redis-server");
        assertThat(EntrypointWrapper.effectiveCommand(none, none, none, none)).isEmpty();
    }

    @Test
    void aCmdCheckBecomesDockersHealthcheckInNanosecondsAndInitTheHostConfigs() {
        dev.berth.api.HealthCheck check = new dev.berth.api.HealthCheck(java.util.List.of("/bin/sh", "-c", "true"),
                null, null, Duration.ofSeconds(2), Duration.ofMillis(1500), 4, Duration.ofSeconds(5));
        ServiceSpec spec = ServiceSpec.ofImage("img:1");
        var t = spec.taskTemplate();
        var template = new dev.berth.api.TaskTemplate(t.image(), t.command(), t.args(), t.env(), t.ports(),
                t.resources(), t.placement(), t.restartPolicy(), "SIGINT", Duration.ofSeconds(7), check, true);
        Task task = Task.of(ObjectMeta.named("t1"), new TaskSpec("web", "u", 1, "n1", TaskState.RUNNING, template),
                null);
        try (DockerExecutor docker = new DockerExecutor("unix:///nonexistent.sock")) {
            var cmd = docker.createCommand(task, "web.1.t1", java.util.Optional.empty());
            var hc = cmd.getHealthcheck();
            assertThat(hc.getTest()).containsExactly("CMD", "/bin/sh", "-c", "true");
            assertThat(hc.getInterval()).isEqualTo(2_000_000_000L);
            assertThat(hc.getTimeout()).isEqualTo(1_500_000_000L);
            assertThat(hc.getRetries()).isEqualTo(4);
            assertThat(hc.getStartPeriod()).isEqualTo(5_000_000_000L);
            assertThat(cmd.getHostConfig().getInit()).isTrue();
            // the stop signal and grace period stay the spec's
            assertThat(cmd.getStopSignal()).isEqualTo("SIGINT");
            assertThat(cmd.getStopTimeout()).isEqualTo(7);

            Task plain = task.withSpec(new TaskSpec("web", "u", 1, "n1", TaskState.RUNNING, t));
            var none = docker.createCommand(plain, "web.1.t1", java.util.Optional.empty());
            assertThat(none.getHealthcheck()).isNull();
            assertThat(none.getHostConfig().getInit()).isNull();
        }
    }

    @Test
    void agentProbesAreNotDockersHealthcheck() {
        dev.berth.api.HealthCheck tcp = new dev.berth.api.HealthCheck(null, null,
                java.util.Optional.of(new dev.berth.api.HealthCheck.TcpProbe(80)), null, null, null, null);
        assertThat(DockerExecutor.engineHealthCheck(tcp)).isEmpty();
        assertThat(DockerExecutor.engineHealthCheck(dev.berth.api.HealthCheck.NONE)).isEmpty();
        assertThat(DockerExecutor.engineNanos(Duration.ofNanos(10))).isEqualTo(1_000_000L);
        assertThat(DockerExecutor.engineNanos(Duration.ZERO)).isZero();
    }

    @Test
    void readsTheEnginesHealthEvents() {
        assertThat(DockerExecutor.eventType("health_status: healthy")).contains(ContainerEvent.Type.HEALTHY);
        assertThat(DockerExecutor.eventType("health_status: unhealthy")).contains(ContainerEvent.Type.UNHEALTHY);
        assertThat(DockerExecutor.eventType("die")).contains(ContainerEvent.Type.DIE);
        assertThat(DockerExecutor.eventType("exec_start: sh -c true")).isEmpty();
    }
}
