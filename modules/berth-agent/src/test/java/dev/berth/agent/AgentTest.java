package dev.berth.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.agent.executor.DockerExecutor;
import dev.berth.agent.network.VethPlumber;
import dev.berth.api.session.SessionMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentTest {

    @Test
    void describesTheNodeWithTheFixedIdAndTheMachinesResources() {
        AgentConfig config = AgentConfig.of(List.of("127.0.0.1:4243"), Path.of("/tmp/x"))
                .withNodeId("n1").withRole("manager").withHostname("host1").withAdvertiseAddress("10.0.0.5")
                .withLabels(Map.of("zone", "a"));
        SessionMessage.Hello hello = new Agent(config).hello();

        assertThat(hello.nodeId()).isEqualTo("n1");
        assertThat(hello.hostname()).isEqualTo("host1");
        assertThat(hello.address()).isEqualTo("10.0.0.5");
        assertThat(hello.role()).isEqualTo("manager");
        assertThat(hello.labels()).containsEntry("zone", "a");
        assertThat(hello.resources().cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(hello.resources().memory().bytes()).isPositive();
    }

    @Test
    void linksContainersItselfOnlyFromAStateDirectoryTheEngineCanBindMountFrom() {
        // Agent.start falls back to the engine's network when the executor refuses the directory
        VethPlumber plumber = new VethPlumber((argv, stdin) -> new dev.berth.agent.network.CommandRunner.Result(0, "", ""));
        try (DockerExecutor docker = new DockerExecutor("unix:///nonexistent.sock")) {
            assertThat(docker.withNetworkPlumbing(plumber, Path.of("/bin/busybox"),
                    Path.of("/var/lib/berth", Agent.CONTAINER_FILES))).isSameAs(docker);
            assertThatThrownBy(() -> docker.withNetworkPlumbing(plumber, Path.of("/bin/busybox"),
                    Path.of("/srv/a:b", Agent.CONTAINER_FILES))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("/srv/a:b/containers");
        }
    }

    @Test
    void defaultsToAWorkerOnTheUsualSocket() {
        AgentConfig config = AgentConfig.of(List.of("m:4243"), Path.of("/tmp/x"));

        assertThat(config.dockerHost()).isEqualTo("unix:///var/run/docker.sock");
        assertThat(config.role()).isEqualTo("worker");
        assertThat(config.nodeId()).isEmpty();
        assertThat(config.hostname()).isNotBlank();
        assertThat(config.clusterNetwork()).isTrue();
        assertThat(config.dnsUpstreams()).isEqualTo(dev.berth.dns.ClusterDns.systemResolvers());
        var upstream = java.net.InetSocketAddress.createUnresolved("192.0.2.53", 53);
        assertThat(config.withDnsUpstreams(List.of(upstream)).withWorkerThreads(2).dnsUpstreams())
                .containsExactly(upstream);
        assertThat(config.workerThreads()).isEqualTo(AgentConfig.DEFAULT_WORKER_THREADS);
        assertThat(new Agent(config).hello().nodeId()).isEmpty();
        assertThatThrownBy(() -> AgentConfig.of(List.of(), Path.of("/tmp/x")))
                .hasMessageContaining("at least one manager");
    }
}
