package dev.berth.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Network;
import dev.berth.agent.executor.ContainerInfo;
import dev.berth.agent.executor.DockerExecutor;
import dev.berth.agent.executor.NetworkAttachment;
import dev.berth.api.Cidr;
import dev.berth.api.NetworkSpec;
import dev.berth.api.ObjectMeta;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskTemplate;
import dev.berth.api.session.SessionMessage.NetworkMap;
import dev.berth.testkit.DockerExtension;
import dev.berth.testkit.DockerTestEnv;
import java.time.Duration;
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
 * The node's network on the real engine and kernel, under names of its own ({@code bt-b1-*},
 * chains {@code BT-B1-NET-*}, subnet 10.213.0.0/24, no peers so no route of the host changes):
 * the bridge network, the rules, a container at the address it was given; all removed after.
 */
@ExtendWith(DockerExtension.class)
class ContainerNetworkIT {

    private static final ContainerNetwork.Options OPTIONS = new ContainerNetwork.Options("bt-b1-net", "bt-b1-br0",
            "BT-B1-NET");
    private static final NetworkSpec SPEC = new NetworkSpec("10.213.0.0/16", 24, "10.214.0.0/16");

    private final CommandRunner kernel = new ProcessCommandRunner();
    private DockerTestEnv docker;
    private String nodeId;
    private DockerExecutor executor;
    private ContainerNetwork network;
    private final AtomicReference<ContainerNetwork.Ready> ready = new AtomicReference<>();

    @BeforeEach
    void setUp(DockerTestEnv env) {
        docker = env;
        nodeId = "bt-b1-" + UUID.randomUUID().toString().substring(0, 8);
        executor = new DockerExecutor(env.host(), () -> Optional.of(nodeId));
        network = new ContainerNetwork(executor.client(), OPTIONS, kernel, ready::set);
    }

    @AfterEach
    void tearDown() throws Exception {
        docker.removeContainers("berth.node.id=" + nodeId);
        network.removeAll(Cidr.parse(SPEC.containerCidr()));
        network.close();
        executor.close();
    }

    private String run(String... argv) throws Exception {
        CommandRunner.Result r = kernel.run(List.of(argv), "");
        return r.ok() ? r.stdout() : "exit " + r.exitCode() + ": " + r.stderr();
    }

    @Test
    void createsTheBridgeNetworkAndRulesAndRunsAContainerAtItsAddress() throws Exception {
        assertThat(network.apply(new NetworkMap(SPEC, "10.213.0.0/24", List.of(), List.of()))).isTrue();

        assertThat(ready.get()).isEqualTo(new ContainerNetwork.Ready("bt-b1-net", Cidr.parse("10.213.0.0/24"),
                "10.213.0.1", "bt-b1-br0"));
        Network created = executor.client().inspectNetworkCmd().withNetworkId("bt-b1-net").exec();
        assertThat(created.getDriver()).isEqualTo("bridge");
        assertThat(created.getIpam().getConfig()).singleElement().satisfies(c -> {
            assertThat(c.getSubnet()).isEqualTo("10.213.0.0/24");
            assertThat(c.getGateway()).isEqualTo("10.213.0.1");
            assertThat(c.getIpRange()).isEqualTo("10.213.0.240/28");
        });
        assertThat(created.getOptions()).containsEntry("com.docker.network.bridge.name", "bt-b1-br0")
                .containsEntry("com.docker.network.bridge.enable_ip_masquerade", "false");
        assertThat(created.getLabels()).containsEntry("dev.berth.network", "cluster");

        assertThat(run("iptables", "-w", "-S", "BT-B1-NET-FWD")).contains(
                "-A BT-B1-NET-FWD -s 10.213.0.0/16 -j ACCEPT", "-A BT-B1-NET-FWD -d 10.213.0.0/16 -j ACCEPT");
        assertThat(run("iptables", "-w", "-S", "FORWARD").lines().filter(l -> l.startsWith("-A")).findFirst())
                .contains("-A FORWARD -j BT-B1-NET-FWD");
        assertThat(run("iptables", "-w", "-t", "nat", "-S", "BT-B1-NET-MASQ"))
                .contains("-A BT-B1-NET-MASQ -s 10.213.0.0/24 ! -d 10.213.0.0/16 -j MASQUERADE");
        assertThat(run("iptables", "-w", "-t", "nat", "-S", "POSTROUTING"))
                .contains("-A POSTROUTING -j BT-B1-NET-MASQ");

        // applied again: nothing changes, the jumps are not doubled
        assertThat(network.apply(new NetworkMap(SPEC, "10.213.0.0/24", List.of(), List.of()))).isTrue();
        assertThat(run("iptables", "-w", "-S", "FORWARD").lines().filter(l -> l.contains("BT-B1-NET-FWD")))
                .hasSize(1);

        String id = executor.prepare(task("bt-b1-t1"),
                Optional.of(new NetworkAttachment("bt-b1-net", "bt-b1-br0", "10.213.0.2", 24, "10.213.0.1",
                        List.of("10.213.0.1"))));
        executor.start(id);
        Optional<ContainerInfo> info = executor.inspect(id);
        assertThat(info).get().satisfies(c -> {
            assertThat(c.running()).isTrue();
            assertThat(c.ipAddress()).isEqualTo("10.213.0.2");
        });
        assertThat(executor.client().inspectContainerCmd(id).exec().getHostConfig().getDns())
                .containsExactly("10.213.0.1");
        assertThat(executor.listManaged()).singleElement().extracting(ContainerInfo::ipAddress)
                .isEqualTo("10.213.0.2");

        // another subnet while a container is attached: the network stays and nothing is ready
        ready.set(null);
        network.apply(new NetworkMap(SPEC, "10.213.1.0/24", List.of(), List.of()));
        assertThat(ready.get()).isNull();
        assertThat(network.ready()).isEmpty();
        assertThat(executor.client().inspectNetworkCmd().withNetworkId("bt-b1-net").exec().getIpam().getConfig()
                .get(0).getSubnet()).isEqualTo("10.213.0.0/24");

        executor.remove(id);
        network.removeAll(Cidr.parse(SPEC.containerCidr()));
        assertThat(run("iptables", "-w", "-S", "BT-B1-NET-FWD")).startsWith("exit");
        assertThat(run("iptables", "-w", "-S", "FORWARD")).doesNotContain("BT-B1-NET-FWD");
        assertThat(run("iptables", "-w", "-t", "nat", "-S", "POSTROUTING")).doesNotContain("BT-B1-NET-MASQ");
        assertThat(executor.client().listNetworksCmd().exec()).extracting(Network::getName)
                .doesNotContain("bt-b1-net");
    }

    private Task task(String id) {
        TaskTemplate base = ServiceSpec.ofImage(docker.busyboxImage()).taskTemplate();
        TaskTemplate t = new TaskTemplate(base.image(), List.of(), List.of("sleep", "30"), Map.of(), List.of(),
                base.resources(), base.placement(), base.restartPolicy(), "SIGKILL", Duration.ofSeconds(1));
        return Task.of(ObjectMeta.named(id), new TaskSpec("bt-b1", "u", 1, nodeId, TaskState.RUNNING, t), null);
    }
}
