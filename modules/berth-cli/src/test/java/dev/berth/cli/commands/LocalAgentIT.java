package dev.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.agent.Agent;
import dev.berth.agent.AgentConfig;
import dev.berth.cli.CliRunner;
import dev.berth.manager.Manager;
import dev.berth.manager.ManagerConfig;
import dev.berth.testkit.DockerExtension;
import dev.berth.testkit.DockerTestEnv;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code berth init}'s local agent: wired as {@link InitCommand} wires it, it registers as the
 * manager's own node (one node, not two) and runs the node's tasks on the real engine.
 */
@ExtendWith({EtcdExtension.class, DockerExtension.class})
class LocalAgentIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theManagersAgentIsTheManagersNodeAndRunsItsTasks(EtcdTestEnv etcd, DockerTestEnv docker) throws Exception {
        String image = docker.busyboxImage();
        Path state = Files.createTempDirectory("berth-init-agent");
        Manager manager = etcd.register(new Manager(ManagerConfig.defaults()
                .withStateDir(state)
                .withExternalEtcd(etcd.endpoints(), etcd.prefix())
                .withListen("127.0.0.1", 0)
                .withClusterListen("127.0.0.1", 0)
                .withHostname("init-host")
                .withElectionTtl(Duration.ofSeconds(2))).start());
        InitCommand init = new InitCommand();
        new CommandLine(init).parseArgs("--docker-host", docker.host(), "--no-cluster-network");
        AgentConfig config = init.agentConfig(state, manager);
        assertThat(config.nodeId()).contains(manager.nodeId());
        assertThat(config.managers()).containsExactly("127.0.0.1:" + manager.apiPort());
        CliRunner cli = new CliRunner(Optional.of("http://127.0.0.1:" + manager.apiPort()),
                Files.createTempDirectory("berth-init-home"));
        String node = "berth.node.id=" + manager.nodeId();
        try (Agent agent = new Agent(config).start()) {
            await().atMost(WAIT).until(agent::isConnected);
            assertThat(agent.nodeId()).contains(manager.nodeId());

            CliRunner.Run created = cli.run("service", "create", "--name", "sleeper", image, "sleep", "300");
            assertThat(created.code()).as(created.toString()).isZero();
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(cli.run("service", "ps", "sleeper").out()).contains("Running"));

            // one node: the manager's, with the engine's version; the task's container carries its id
            CliRunner.Run nodes = cli.run("node", "ls");
            assertThat(nodes.out().strip().lines()).as(nodes.toString()).hasSize(2);
            assertThat(nodes.out()).contains(manager.nodeId());
            String engine = docker.docker("version", "-f", "{{.Server.Version}}");
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(cli.run("node", "inspect", manager.nodeId()).out()).contains(engine));
            assertThat(docker.containers(node)).hasSize(1);

            CliRunner.Run removed = cli.run("service", "rm", "sleeper");
            assertThat(removed.code()).as(removed.toString()).isZero();
            await().atMost(WAIT).until(() -> docker.containers(node).isEmpty());
        } finally {
            docker.removeContainers(node);
        }
    }
}
