package dev.berth.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Cidr;
import dev.berth.api.session.SessionMessage.NetworkPeer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoutesTest {

    private static final Cidr CLUSTER = Cidr.parse("10.42.0.0/16");
    private static final Optional<Cidr> OWN = Optional.of(Cidr.parse("10.42.0.0/24"));

    private static final String SHOW = """
            default via 192.0.2.1 dev eth0
            10.42.0.0/24 dev berth0 proto kernel scope link src 10.42.0.1
            10.42.1.0/24 via 192.0.2.11 dev eth0
            10.42.7.0/24 via 192.0.2.17 dev eth0
            10.42.9.0/24 dev other0 scope link
            10.99.0.0/24 via 192.0.2.50 dev eth0
            172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1 linkdown
            unreachable 10.42.8.0/24
            192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2
            """;

    @Test
    void parsesDestinationsGatewaysAndDevices() {
        List<Routes.Route> routes = Routes.parse(SHOW);

        assertThat(routes).contains(new Routes.Route("default", "192.0.2.1", "eth0"),
                new Routes.Route("10.42.0.0/24", "", "berth0"),
                new Routes.Route("10.42.1.0/24", "192.0.2.11", "eth0"),
                new Routes.Route("10.42.8.0/24", "", ""));
        assertThat(routes).hasSize(9);
    }

    @Test
    void addsMissingRoutesReplacesMovedOnesAndDeletesOnlyStaleGatewayRoutesInTheClusterRange() {
        List<NetworkPeer> peers = List.of(
                new NetworkPeer("n1", "192.0.2.11", "10.42.1.0/24"),   // in place: untouched
                new NetworkPeer("n2", "192.0.2.12", "10.42.2.0/24"),   // missing: added
                new NetworkPeer("n9", "192.0.2.19", "10.42.9.0/24"));  // directly connected now: replaced

        List<List<String>> commands = Routes.plan(CLUSTER, OWN, peers, Routes.parse(SHOW));

        assertThat(commands).containsExactly(
                List.of("ip", "route", "del", "10.42.7.0/24", "via", "192.0.2.17"),
                List.of("ip", "route", "replace", "10.42.2.0/24", "via", "192.0.2.12"),
                List.of("ip", "route", "replace", "10.42.9.0/24", "via", "192.0.2.19"));
    }

    @Test
    void nothingToDoWhenTheRoutesMatch() {
        List<NetworkPeer> peers = List.of(new NetworkPeer("n1", "192.0.2.11", "10.42.1.0/24"),
                new NetworkPeer("n7", "192.0.2.17", "10.42.7.0/24"));

        assertThat(Routes.plan(CLUSTER, OWN, peers, Routes.parse(SHOW))).isEmpty();
    }

    @Test
    void neverRoutesTheOwnSubnetOrOneOutsideTheClusterRangeElsewhere() {
        List<NetworkPeer> peers = List.of(new NetworkPeer("n1", "192.0.2.11", "10.42.1.0/24"),
                new NetworkPeer("n7", "192.0.2.17", "10.42.7.0/24"),
                new NetworkPeer("bad", "192.0.2.30", "10.42.0.0/24"),
                new NetworkPeer("outside", "192.0.2.31", "10.50.0.0/24"),
                new NetworkPeer("no-address", "", "10.42.3.0/24"),
                new NetworkPeer("no-subnet", "192.0.2.32", ""));

        assertThat(Routes.plan(CLUSTER, OWN, peers, Routes.parse(SHOW))).isEmpty();
    }

    @Test
    void withoutPeersOnlyTheClusterGatewayRoutesGo() {
        assertThat(Routes.plan(CLUSTER, OWN, List.of(), Routes.parse(SHOW))).containsExactly(
                List.of("ip", "route", "del", "10.42.1.0/24", "via", "192.0.2.11"),
                List.of("ip", "route", "del", "10.42.7.0/24", "via", "192.0.2.17"));
    }
}
