package dev.berth.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.agent.executor.ContainerInfo;
import dev.berth.agent.executor.DockerExecutor;
import dev.berth.agent.executor.ExecutorException;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers the agent links to the node's bridge itself ({@link VethPlumber}, behind the
 * executor's entrypoint wrapper), on the real engine and kernel, under names of their own
 * ({@code bt-b2-*}, subnet 10.215.0.0/24, no peers): the command runs only once the network is
 * there, with its address, route, DNS server and host name; a command missing from the image
 * fails the start in Docker's words; a lost link is made again for an adopted container.
 */
@ExtendWith(DockerExtension.class)
class PlumbedContainerIT {

    private static final ContainerNetwork.Options OPTIONS = new ContainerNetwork.Options("bt-b2-net", "bt-b2-br0",
            "BT-B2-NET");
    private static final NetworkSpec SPEC = new NetworkSpec("10.215.0.0/16", 24, "10.216.0.0/16");

    private final CommandRunner kernel = new ProcessCommandRunner();
    private DockerTestEnv docker;
    private String nodeId;
    private DockerExecutor executor;
    private ContainerNetwork network;
    /** Where the executor writes the containers' hosts, hostname and resolv.conf. */
    @TempDir
    Path files;

    @BeforeEach
    void setUp(DockerTestEnv env) {
        docker = env;
        nodeId = "bt-b2-" + UUID.randomUUID().toString().substring(0, 8);
        executor = new DockerExecutor(env.host(), () -> Optional.of(nodeId))
                .withNetworkPlumbing(new VethPlumber(kernel), StaticBusybox.find().orElseThrow(), files);
        network = new ContainerNetwork(executor.client(), OPTIONS, kernel, r -> { });
        assertThat(network.apply(new NetworkMap(SPEC, "10.215.0.0/24", List.of(), List.of()))).isTrue();
    }

    @AfterEach
    void tearDown() throws Exception {
        docker.removeContainers("berth.node.id=" + nodeId);
        network.removeAll(Cidr.parse(SPEC.containerCidr()));
        network.close();
        executor.close();
    }

    private static NetworkAttachment at(String address) {
        return new NetworkAttachment("bt-b2-net", "bt-b2-br0", address, 24, "10.215.0.1", List.of("10.215.0.1"));
    }

    @Test
    void theCommandRunsOnlyOnceItsNetworkIsThere() throws Exception {
        // The command's first act is to look at its network: had it run before the link, it
        // would print no address and no route.
        String id = executor.prepare(task("bt-b2-t1", List.of("sh", "-c",
                "ip -4 addr show eth0; ip route; cat /etc/resolv.conf /etc/hosts; echo \"argv0=$0\"; exec sleep 30")),
                Optional.of(at("10.215.0.2")));
        executor.start(id);

        String logs = awaitLogs(id, "argv0=");
        assertThat(logs).contains("inet 10.215.0.2/24", "default via 10.215.0.1 dev eth0", "nameserver 10.215.0.1");
        // no engine networking at all: the agent wrote what the engine's network would have
        assertThat(docker.docker("inspect", "-f", "{{.Config.NetworkDisabled}} {{.HostConfig.NetworkMode}} "
                + "{{.NetworkSettings.SandboxKey}}.", id).strip()).isEqualTo("true none .");
        String hostname = executor.client().inspectContainerCmd(id).exec().getConfig().getHostName();
        assertThat(hostname).isEqualTo(id.substring(0, 12)); // Docker's default
        assertThat(docker.docker("exec", id, "hostname").strip()).isEqualTo(hostname);
        assertThat(docker.docker("exec", id, "cat", "/etc/hostname").strip()).isEqualTo(hostname);
        assertThat(docker.docker("exec", id, "cat", "/etc/hosts")).contains("127.0.0.1\tlocalhost\n")
                .endsWith("\n10.215.0.2\t" + hostname);
        assertThat(docker.docker("exec", id, "sh", "-c", "ping -c 1 -W 2 localhost")).contains("1 packets received");
        assertThat(files.resolve("bt-b2-t1")).isDirectory();
        // the engine's MAC for the address: a later container at this address is reached at once
        assertThat(docker.docker("exec", id, "cat", "/sys/class/net/eth0/address").strip())
                .isEqualTo("02:42:0a:d7:00:02");
        // the wrapper became the command: nothing of it is left running
        assertThat(docker.docker("exec", id, "cat", "/proc/1/cmdline").replace('\0', ' ').strip()).isEqualTo("sleep 30");

        Optional<ContainerInfo> info = executor.inspect(id);
        assertThat(info).get().satisfies(c -> {
            assertThat(c.running()).isTrue();
            assertThat(c.ipAddress()).isEqualTo("10.215.0.2");
        });
        assertThat(executor.listManaged()).singleElement().extracting(ContainerInfo::ipAddress)
                .isEqualTo("10.215.0.2");
        // the host end is on the bridge, and the container answers there
        assertThat(run("ip", "-d", "-o", "link", "show", "master", "bt-b2-br0")).contains(VethPlumber.hostLink(id))
                .contains(" hairpin on ");
        assertThat(run("busybox", "ping", "-c", "1", "-W", "2", "10.215.0.2")).contains("1 packets received");

        // a container attached to the network by hand gets an address the engine may give, which
        // is never a task's (the engine does not know the linked container's address)
        String byHand = docker.docker("run", "-d", "--network", "bt-b2-net", "--label", "berth.node.id=" + nodeId,
                docker.busyboxImage(), "sleep", "30").strip();
        String byHandAddress = docker.docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
                byHand).strip();
        assertThat(Cidr.parse("10.215.0.240/28").contains(byHandAddress)).as(byHandAddress).isTrue();
        docker.docker("rm", "-f", byHand);

        // a subnet change while a linked container runs leaves the network alone
        network.apply(new NetworkMap(SPEC, "10.215.1.0/24", List.of(), List.of()));
        assertThat(network.ready()).isEmpty();

        executor.remove(id);
        assertThat(files.resolve("bt-b2-t1")).doesNotExist();
        // the kernel takes the pair away with the container's namespace
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (run("ip", "-o", "link", "show", "master", "bt-b2-br0").contains("bv") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(run("ip", "-o", "link", "show", "master", "bt-b2-br0")).doesNotContain("bv");
    }

    @Test
    void aCommandMissingFromTheImageFailsTheStartInDockersWords() throws Exception {
        String id = executor.prepare(task("bt-b2-t2", List.of("nope")), Optional.of(at("10.215.0.3")));
        assertThatThrownBy(() -> executor.start(id)).isInstanceOf(ExecutorException.StartFailed.class)
                .hasMessage("container failed to start: exec: \"nope\": executable file not found in $PATH");

        String abs = executor.prepare(task("bt-b2-t3", List.of("/no/such")), Optional.of(at("10.215.0.4")));
        assertThatThrownBy(() -> executor.start(abs)).isInstanceOf(ExecutorException.StartFailed.class)
                .hasMessageContaining("exec: \"/no/such\": stat /no/such: no such file or directory");
    }

    @Test
    void anAdoptedContainerWithoutItsLinkGetsItBack() throws Exception {
        String id = executor.prepare(task("bt-b2-t4", List.of("sleep", "30")), Optional.of(at("10.215.0.5")));
        executor.start(id);
        VethPlumber plumber = new VethPlumber(kernel);
        assertThat(plumber.connected(id)).isTrue();
        executor.reconnect(id); // linked already: nothing changes
        assertThat(run("ip", "-o", "link", "show", "master", "bt-b2-br0").lines().count()).isEqualTo(1);

        // as if the agent had died between start and link: the pair is gone
        run("ip", "link", "del", VethPlumber.hostLink(id));
        assertThat(plumber.connected(id)).isFalse();

        DockerExecutor successor = new DockerExecutor(docker.host(), () -> Optional.of(nodeId))
                .withNetworkPlumbing(plumber, StaticBusybox.find().orElseThrow(), files);
        try {
            successor.reconnect(id);
        } finally {
            successor.close();
        }
        assertThat(plumber.connected(id)).isTrue();
        assertThat(docker.docker("exec", id, "sh", "-c", "ip -4 addr show eth0")).contains("inet 10.215.0.5/24");
        assertThat(run("busybox", "ping", "-c", "1", "-W", "2", "10.215.0.5")).contains("1 packets received");

        // restarted by hand: a new namespace, whose command waits until the agent links it again
        docker.docker("restart", "-t", "0", id);
        assertThat(plumber.connected(id)).isFalse();
        executor.reconnect(id);
        assertThat(docker.docker("exec", id, "sh", "-c", "ip -4 addr show eth0")).contains("inet 10.215.0.5/24");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!docker.docker("exec", id, "cat", "/proc/1/cmdline").startsWith("sleep")
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(docker.docker("exec", id, "cat", "/proc/1/cmdline").replace('\0', ' ').strip()).isEqualTo("sleep 30");
        assertThat(docker.docker("exec", id, "cat", "/etc/hosts")).endsWith("\n10.215.0.5\t" + id.substring(0, 12));
    }

    @Test
    void theFilesOfAContainerGoWithItAlsoWhenAnotherAgentRemovesIt() throws Exception {
        String id = executor.prepare(task("bt-b2-t6", List.of("sleep", "30")), Optional.of(at("10.215.0.6")));
        executor.start(id);
        // the files of a container removed while no agent ran
        Files.createDirectories(files.resolve("bt-b2-gone"));
        Files.writeString(files.resolve("bt-b2-gone").resolve("hosts"), "10.215.0.9\tgone\n");

        DockerExecutor successor = new DockerExecutor(docker.host(), () -> Optional.of(nodeId))
                .withNetworkPlumbing(new VethPlumber(kernel), StaticBusybox.find().orElseThrow(), files);
        try {
            successor.pruneContainerFiles();
            assertThat(files.resolve("bt-b2-gone")).doesNotExist();
            assertThat(files.resolve("bt-b2-t6").resolve("hosts")).exists();

            assertThat(successor.listManaged()).extracting(ContainerInfo::id).containsExactly(id);
            successor.remove(id);
            assertThat(files.resolve("bt-b2-t6")).doesNotExist();
        } finally {
            successor.close();
        }
    }

    private String awaitLogs(String id, String marker) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String logs = "";
        while (System.nanoTime() < deadline) {
            logs = docker.docker("logs", id);
            if (logs.contains(marker)) {
                return logs;
            }
            Thread.sleep(50);
        }
        return logs;
    }

    private String run(String... argv) throws Exception {
        CommandRunner.Result r = kernel.run(List.of(argv), "");
        return r.ok() ? r.stdout() : "exit " + r.exitCode() + ": " + r.stderr();
    }

    private Task task(String id, List<String> command) {
        TaskTemplate base = ServiceSpec.ofImage(docker.busyboxImage()).taskTemplate();
        TaskTemplate t = new TaskTemplate(base.image(), command, List.of(), Map.of(), List.of(),
                base.resources(), base.placement(), base.restartPolicy(), "SIGKILL", Duration.ofSeconds(1));
        return Task.of(ObjectMeta.named(id), new TaskSpec("bt-b2", "u", 1, nodeId, TaskState.RUNNING, t), null);
    }
}
