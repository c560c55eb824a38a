package dev.berth.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManagerConfigTest {

    @Test
    void defaultsMatchTheDocumentation() {
        ManagerConfig c = ManagerConfig.defaults();
        assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/berth"));
        assertThat(c.listenHost()).isEqualTo("127.0.0.1");
        assertThat(c.listenPort()).isEqualTo(4243);
        assertThat(c.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(c.etcdClientPort()).isEqualTo(4379);
        assertThat(c.etcdPeerPort()).isEqualTo(4380);
        assertThat(c.embeddedEtcd()).isTrue();
        assertThat(c.hostname()).isNotBlank();
        assertThat(c.nodeId()).isEmpty();
        // the default route's interface (what a joining server reaches), loopback without one
        assertThat(c.effectiveAdvertiseAddress()).isEqualTo(DefaultRoute.ipv4Address().orElse("127.0.0.1"));
        assertThat(c.clusterListenHost()).isEqualTo("0.0.0.0");
        assertThat(c.clusterListenPort()).isEqualTo(4242);
    }

    @Test
    void aClusterPortBoundToOneAddressIsAdvertised() {
        assertThat(ManagerConfig.defaults().withClusterListen("127.0.0.1", 0).effectiveAdvertiseAddress())
                .isEqualTo("127.0.0.1");
        assertThat(ManagerConfig.defaults().withClusterListen("10.9.0.1", 4242).withListen("10.8.0.1", 4243)
                .effectiveAdvertiseAddress()).isEqualTo("10.9.0.1");
        assertThat(ManagerConfig.defaults().withListen("10.8.0.1", 4243).effectiveAdvertiseAddress())
                .isEqualTo("10.8.0.1");
    }

    @Test
    void theDefaultRouteIsTheLowestMetricZeroDestination() {
        List<String> table = List.of(
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
                "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0",
                "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0",
                "eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0");
        assertThat(DefaultRoute.interfaceOf(table)).contains("eth0");
        assertThat(DefaultRoute.interfaceOf(table.subList(0, 2))).isEmpty();
        assertThat(DefaultRoute.interfaceOf(List.of())).isEmpty();
    }

    @Test
    void withersChangeOneThing() {
        ManagerConfig c = ManagerConfig.defaults()
                .withExternalEtcd(List.of("http://127.0.0.1:1"), "/p")
                .withListen("0.0.0.0", 0)
                .withAdvertiseAddress("10.0.0.1")
                .withNodeId("abc")
                .withEtcdPorts(3000, 3001)
                .withElectionTtl(Duration.ofSeconds(3))
                .withClusterListen("127.0.0.1", 0);
        assertThat(c.clusterListenHost()).isEqualTo("127.0.0.1");
        assertThat(c.clusterListenPort()).isZero();
        assertThat(c.listenHost()).isEqualTo("0.0.0.0");
        assertThat(c.embeddedEtcd()).isFalse();
        assertThat(c.etcdPrefix()).isEqualTo("/p");
        assertThat(c.effectiveAdvertiseAddress()).isEqualTo("10.0.0.1");
        assertThat(c.nodeId()).contains("abc");
        assertThat(c.etcdClientPort()).isEqualTo(3000);
        assertThat(c.listenPort()).isZero();
        assertThat(c.electionTtl()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> ManagerConfig.defaults().withListen("127.0.0.1", 70000))
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> ManagerConfig.defaults().withClusterListen("0.0.0.0", -1))
                .hasMessageContaining("cluster port");
        assertThatThrownBy(() -> ManagerConfig.defaults().withMaxBodyBytes(0)).hasMessageContaining("body");
        assertThatThrownBy(() -> ManagerConfig.defaults().withElectionTtl(Duration.ofMillis(10)))
                .hasMessageContaining("TTL");
    }
}
