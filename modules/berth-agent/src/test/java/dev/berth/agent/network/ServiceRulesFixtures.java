package dev.berth.agent.network;

import dev.berth.api.EndpointAddress;
import dev.berth.api.EndpointMode;
import dev.berth.api.Endpoints;
import dev.berth.api.NetworkSpec;
import dev.berth.api.ObjectMeta;
import dev.berth.api.PortConfig;
import dev.berth.api.Protocol;
import dev.berth.api.PublishMode;
import dev.berth.api.session.SessionMessage;
import java.util.List;

/** Network maps for the service rules' tests. */
final class ServiceRulesFixtures {

    private ServiceRulesFixtures() {
    }

    static PortConfig tcp(int published, int target) {
        return new PortConfig(published, target, Protocol.TCP, PublishMode.INGRESS);
    }

    static PortConfig udp(int published, int target) {
        return new PortConfig(published, target, Protocol.UDP, PublishMode.INGRESS);
    }

    static PortConfig hostTcp(int published, int target) {
        return new PortConfig(published, target, Protocol.TCP, PublishMode.HOST);
    }

    static EndpointAddress ready(String taskId, String nodeId, String ip) {
        return new EndpointAddress(ip, taskId, nodeId, true);
    }

    static EndpointAddress notReady(String taskId, String nodeId, String ip) {
        return new EndpointAddress(ip, taskId, nodeId, false);
    }

    static Endpoints vip(String name, String virtualIp, List<PortConfig> ports, EndpointAddress... addresses) {
        return Endpoints.of(ObjectMeta.named(name), virtualIp, EndpointMode.VIP, ports, List.of(addresses));
    }

    static Endpoints dnsrr(String name, List<PortConfig> ports, EndpointAddress... addresses) {
        return Endpoints.of(ObjectMeta.named(name), "", EndpointMode.DNSRR, ports, List.of(addresses));
    }

    static SessionMessage.NetworkMap map(Endpoints... services) {
        return new SessionMessage.NetworkMap(NetworkSpec.DEFAULT, "10.42.1.0/24",
                List.of(new SessionMessage.NetworkPeer("node-2", "192.0.2.12", "10.42.2.0/24")), List.of(services));
    }
}
