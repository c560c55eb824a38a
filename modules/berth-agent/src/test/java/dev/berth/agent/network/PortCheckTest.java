package dev.berth.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.ObjectMeta;
import dev.berth.api.PortConfig;
import dev.berth.api.Protocol;
import dev.berth.api.PublishMode;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskTemplate;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PortCheckTest {

    private static PortConfig tcp(int published) {
        return new PortConfig(published, 80, Protocol.TCP, PublishMode.INGRESS);
    }

    @Test
    void aTcpPortSomeoneListensOnIsRefused() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThat(new PortCheck(Map::of).check("web", List.of(tcp(port))))
                    .contains("port " + port + " is already in use on this node");
        }
    }

    @Test
    void aFreePortPasses() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        assertThat(new PortCheck(Map::of).check("web", List.of(tcp(port)))).isEmpty();
    }

    @Test
    void aBoundUdpPortIsRefusedWithItsProtocol() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = taken.getLocalPort();
            PortConfig udp = new PortConfig(port, 53, Protocol.UDP, PublishMode.INGRESS);

            assertThat(new PortCheck(Map::of).check("dns", List.of(udp)))
                    .contains("port " + port + "/udp is already in use on this node");
        }
    }

    @Test
    void replicasOfTheOwningServiceShareThePortAndOthersAreRefused() {
        Map<PublishedPort, String> published = Map.of(new PublishedPort(4567, Protocol.TCP), "whoami");
        PortCheck check = new PortCheck(() -> published, port -> true);

        assertThat(check.check("whoami", List.of(tcp(4567)))).isEmpty();
        assertThat(check.check("other", List.of(tcp(4567))))
                .contains("port 4567 is already in use on this node (published by service whoami)");
    }

    @Test
    void unpublishedPortsAreNotCheckedButHostModePortsAre() {
        PortCheck check = new PortCheck(Map::of, port -> true);

        assertThat(check.check(task("web", List.of(tcp(0))))).isEmpty();
        // host mode is DNAT on this node too (to the node's own tasks): the port must be free
        assertThat(check.check(task("web", List.of(new PortConfig(8080, 80, Protocol.TCP, PublishMode.HOST)))))
                .contains("port 8080 is already in use on this node");
        assertThat(check.check(task("web", List.of(tcp(8080))))).contains("port 8080 is already in use on this node");
    }

    static Task task(String service, List<PortConfig> ports) {
        TaskTemplate template = new TaskTemplate("img", null, null, null, ports, null, null, null, null, null);
        return Task.of(ObjectMeta.named("task-" + service), new TaskSpec(service, null, 1, "node", null, template),
                null);
    }
}
