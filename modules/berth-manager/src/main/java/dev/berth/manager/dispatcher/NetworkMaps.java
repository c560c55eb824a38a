package dev.berth.manager.dispatcher;

import dev.berth.api.Endpoints;
import dev.berth.api.NetworkSpec;
import dev.berth.api.Node;
import dev.berth.api.session.SessionMessage.NetworkMap;
import dev.berth.api.session.SessionMessage.NetworkPeer;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Builds the {@link NetworkMap} one node's agent must program (pure): the cluster's address
 * plan, the node's own subnet, a route to every other node that has both a subnet and an address,
 * and every service's endpoints. Everything is sorted, so two maps built from the same objects are
 * equal and the dispatcher can send a node only the maps that differ from its last one.
 */
public final class NetworkMaps {

    private NetworkMaps() {
    }

    /**
     * The map of node {@code nodeId}.
     *
     * @param nodeId the node the map is for; its subnet is empty while it has none (or is unknown)
     * @param network the cluster's {@code spec.network}
     * @param nodes every node of the cluster
     * @param endpoints every service's Endpoints object
     */
    public static NetworkMap forNode(String nodeId, NetworkSpec network, Collection<Node> nodes,
            Collection<Endpoints> endpoints) {
        String subnet = nodes.stream().filter(n -> n.id().equals(nodeId)).findFirst()
                .map(n -> n.spec().subnet()).orElse("");
        List<NetworkPeer> peers = nodes.stream()
                .filter(n -> !n.id().equals(nodeId))
                // a peer without a subnet has no containers, one without an address cannot be routed to
                .filter(n -> !n.spec().subnet().isEmpty() && !n.status().address().isEmpty())
                .map(n -> new NetworkPeer(n.id(), n.status().address(), n.spec().subnet()))
                .sorted(Comparator.comparing(NetworkPeer::nodeId))
                .toList();
        List<Endpoints> services = endpoints.stream()
                .sorted(Comparator.comparing(e -> e.metadata().name()))
                .toList();
        return new NetworkMap(network, subnet, peers, services);
    }

    /** The network part of the cluster's spec, or the default plan while there is no Cluster object. */
    public static NetworkSpec networkOf(Optional<dev.berth.api.Cluster> cluster) {
        return cluster.map(c -> c.spec().network()).orElse(NetworkSpec.DEFAULT);
    }
}
