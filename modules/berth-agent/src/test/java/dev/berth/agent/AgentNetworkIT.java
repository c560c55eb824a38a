package dev.berth.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.agent.network.ContainerNetwork;
import dev.berth.api.Cidr;
import dev.berth.api.EndpointMode;
import dev.berth.api.Endpoints;
import dev.berth.api.NetworkSpec;
import dev.berth.api.ObjectMeta;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.api.TaskTemplate;
import dev.berth.api.codec.Codec;
import dev.berth.api.session.SessionMessage;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import dev.berth.testkit.DockerExtension;
import dev.berth.testkit.DockerTestEnv;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole agent on the cluster network, under test names ({@code bt-b1-a*}, subnet
 * 10.213.0.0/24, no peers, no service rules): a task assigned before the network map waits for
 * it, then runs at the subnet's first free address, reports that address, and resolves a service
 * name through the agent's DNS on the gateway.
 */
@ExtendWith(DockerExtension.class)
class AgentNetworkIT {

    private static final ContainerNetwork.Options OPTIONS = new ContainerNetwork.Options("bt-b1-anet", "bt-b1-abr0",
            "BT-B1-A");
    private static final NetworkSpec SPEC = new NetworkSpec("10.213.0.0/16", 24, "10.214.0.0/16");

    private final Vertx vertx = Vertx.vertx();
    private final List<TaskStatusUpdate> updates = new CopyOnWriteArrayList<>();
    private final String nodeId = "bt-b1-" + UUID.randomUUID().toString().substring(0, 8);
    private Agent agent;
    private DockerTestEnv docker;

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            // while the agent's engine client is open: the network is removed once no container is on it
            docker.removeContainers("berth.node.id=" + nodeId);
            agent.containerNetwork().orElseThrow().removeAll(Cidr.parse(SPEC.containerCidr()));
            agent.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A manager that welcomes the agent, assigns {@code task}, then sends the network map. */
    private int manager(Task task) throws Exception {
        Endpoints web = Endpoints.of(ObjectMeta.named("web"), "10.214.0.2", EndpointMode.VIP, List.of(), List.of());
        return vertx.createHttpServer().webSocketHandler(ws -> ws.textMessageHandler(text -> {
            SessionMessage m;
            try {
                m = Codec.json().readValue(text, SessionMessage.class);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            if (m instanceof SessionMessage.Hello) {
                ws.writeTextMessage(Codec.toJson(new SessionMessage.Welcome(nodeId, 1000)));
                ws.writeTextMessage(Codec.toJson(new SessionMessage.Assignments(true, List.of(task), List.of())));
                vertx.setTimer(300, id -> ws.writeTextMessage(Codec.toJson(
                        new SessionMessage.NetworkMap(SPEC, "10.213.0.0/24", List.of(), List.of(web)))));
            } else if (m instanceof SessionMessage.StatusReport r) {
                updates.addAll(r.updates());
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    @Test
    void aTaskRunsOnTheNodesSubnetReportsItsAddressAndResolvesServicesThroughTheAgent(DockerTestEnv env,
            @TempDir Path stateDir) throws Exception {
        docker = env;
        TaskTemplate base = ServiceSpec.ofImage(env.busyboxImage()).taskTemplate();
        TaskTemplate template = new TaskTemplate(base.image(), List.of(),
                List.of("sh", "-c", "nslookup web; sleep 60"), Map.of(), List.of(), base.resources(),
                base.placement(), base.restartPolicy(), "SIGKILL", Duration.ofSeconds(1));
        Task task = Task.of(ObjectMeta.named("bt-b1-task1"),
                new TaskSpec("bt-b1-web", "u", 1, nodeId, TaskState.RUNNING, template),
                TaskStatus.of(TaskState.ASSIGNED, "assigned", Instant.EPOCH));
        int port = manager(task);

        AgentConfig config = AgentConfig.of(List.of("127.0.0.1:" + port), stateDir).withNodeId(nodeId)
                .withDockerHost(env.host()).withDnsUpstreams(List.of());
        agent = new Agent(vertx, config, new Agent.Networking(OPTIONS, 53, false)).start();

        await().atMost(Duration.ofSeconds(60)).until(() -> updates.stream()
                .anyMatch(u -> u.state() == TaskState.RUNNING));
        TaskStatusUpdate running = updates.stream().filter(u -> u.state() == TaskState.RUNNING).findFirst()
                .orElseThrow();
        assertThat(running.address()).isEqualTo("10.213.0.2");
        assertThat(updates).filteredOn(u -> u.state() == TaskState.PREPARING).singleElement()
                .extracting(TaskStatusUpdate::address).isEqualTo("");
        // the agent linked the container itself (the engine started it without a network)
        assertThat(env.docker("inspect", "-f", "{{.HostConfig.NetworkMode}}", running.containerId()))
                .isEqualTo("none");
        assertThat(env.docker("exec", running.containerId(), "sh", "-c", "ip -4 addr show eth0"))
                .contains("inet 10.213.0.2/24");
        // the container asks the agent's DNS, from its first instant (nslookup is its first command)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(env.docker("logs", running.containerId())).contains("10.214.0.2"));
    }
}
