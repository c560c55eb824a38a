package dev.berth.manager.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Cluster;
import dev.berth.api.ClusterSpec;
import dev.berth.api.EndpointAddress;
import dev.berth.api.EndpointMode;
import dev.berth.api.Endpoints;
import dev.berth.api.NetworkSpec;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeStatus;
import dev.berth.api.ObjectMeta;
import dev.berth.api.PortConfig;
import dev.berth.api.session.SessionMessage.NetworkMap;
import dev.berth.api.session.SessionMessage.NetworkPeer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NetworkMapsTest {

    private static final NetworkSpec NET = new NetworkSpec("10.50.0.0/16", 24, "10.51.0.0/16");

    private static Node node(String id, String subnet, String address) {
        return Node.of(ObjectMeta.named(id), new NodeSpec(NodeRole.WORKER, NodeAvailability.ACTIVE, subnet),
                new NodeStatus(null, null, id + "-host", address, null, null, null));
    }

    private static Endpoints endpoints(String name, String vip, String... ips) {
        List<EndpointAddress> addresses = java.util.Arrays.stream(ips)
                .map(ip -> new EndpointAddress(ip, "t-" + ip, "n1", true)).toList();
        return Endpoints.of(ObjectMeta.named(name), vip, EndpointMode.VIP,
                List.of(PortConfig.parse("8080:80")), addresses);
    }

    @Test
    void aNodeGetsItsSubnetAndARouteToEveryOtherNodeWithASubnetAndAnAddress() {
        List<Node> nodes = List.of(
                node("n3", "10.50.2.0/24", "192.0.2.3"),
                node("n1", "10.50.0.0/24", "192.0.2.1"),
                node("n2", "10.50.1.0/24", "192.0.2.2"),
                node("no-subnet", "", "192.0.2.4"),
                node("no-address", "10.50.3.0/24", ""));
        NetworkMap map = NetworkMaps.forNode("n1", NET, nodes, List.of());
        assertThat(map.network()).isEqualTo(NET);
        assertThat(map.nodeSubnet()).isEqualTo("10.50.0.0/24");
        assertThat(map.peers()).containsExactly(
                new NetworkPeer("n2", "192.0.2.2", "10.50.1.0/24"),
                new NetworkPeer("n3", "192.0.2.3", "10.50.2.0/24"));
        assertThat(map.services()).isEmpty();
    }

    @Test
    void aNodeWithoutASubnetOrUnknownGetsAnEmptySubnetButStillThePeers() {
        List<Node> nodes = List.of(node("n1", "10.50.0.0/24", "192.0.2.1"), node("new", "", "192.0.2.9"));
        assertThat(NetworkMaps.forNode("new", NET, nodes, List.of()).nodeSubnet()).isEmpty();
        assertThat(NetworkMaps.forNode("new", NET, nodes, List.of()).peers()).extracting(NetworkPeer::nodeId)
                .containsExactly("n1");
        assertThat(NetworkMaps.forNode("gone", NET, nodes, List.of()).nodeSubnet()).isEmpty();
    }

    @Test
    void servicesAreEveryEndpointsOrderedByNameAndTheSameInputsGiveEqualMaps() {
        List<Node> nodes = List.of(node("n1", "10.50.0.0/24", "192.0.2.1"), node("n2", "10.50.1.0/24", "192.0.2.2"));
        Endpoints web = endpoints("web", "10.51.0.2", "10.50.0.5", "10.50.1.3");
        Endpoints api = endpoints("api", "10.51.0.3");
        Endpoints redis = endpoints("redis", "10.51.0.4", "10.50.1.4");
        NetworkMap a = NetworkMaps.forNode("n2", NET, nodes, List.of(web, api, redis));
        assertThat(a.services()).extracting(e -> e.metadata().name()).containsExactly("api", "redis", "web");
        assertThat(a.services().get(2)).isEqualTo(web);
        // listing order of the informers does not matter: the dispatcher compares maps with equals
        NetworkMap b = NetworkMaps.forNode("n2", NET, List.of(nodes.get(1), nodes.get(0)), List.of(redis, web, api));
        assertThat(b).isEqualTo(a);
        NetworkMap c = NetworkMaps.forNode("n2", NET, nodes,
                List.of(web, api, endpoints("redis", "10.51.0.4", "10.50.1.4", "10.50.0.6")));
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void theNetworkIsTheClustersOrTheDefaultWithoutOne() {
        Cluster cluster = new Cluster(null, null, null, new ClusterSpec(5, null, NET), null);
        assertThat(NetworkMaps.networkOf(Optional.of(cluster))).isEqualTo(NET);
        assertThat(NetworkMaps.networkOf(Optional.empty())).isEqualTo(NetworkSpec.DEFAULT);
    }
}
