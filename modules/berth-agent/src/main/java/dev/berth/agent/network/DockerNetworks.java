package dev.berth.agent.network;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's networks as {@link ContainerNetwork} needs them (the process boundary, so that its
 * decisions are tested without an engine). Methods block on the engine.
 */
interface DockerNetworks {

    /**
     * A network the engine has.
     *
     * @param subnet its first IPv4 subnet; empty when it has none
     * @param ipRange the range the engine gives addresses from in that subnet; empty: all of it
     * @param containers the names of the containers attached to it now
     */
    record Found(String subnet, String ipRange, List<String> containers) {
        public Found {
            subnet = subnet == null ? "" : subnet;
            ipRange = ipRange == null ? "" : ipRange;
            containers = List.copyOf(containers);
        }

        /** A network whose engine gives addresses from all of its subnet. */
        public Found(String subnet, List<String> containers) {
            this(subnet, "", containers);
        }
    }

    /** The network named exactly {@code name}, or empty. */
    Optional<Found> inspect(String name);

    /** Creates the network. */
    void create(ContainerNetworkRules.BridgeSpec spec);

    /** Removes the network named {@code name}; a missing one is fine. */
    void remove(String name);

    /** The engine's networks through docker-java. */
    static DockerNetworks of(DockerClient docker) {
        return new DockerNetworks() {
            @Override
            public Optional<Found> inspect(String name) {
                Network network;
                try {
                    network = docker.inspectNetworkCmd().withNetworkId(name).exec();
                } catch (NotFoundException e) {
                    return Optional.empty();
                }
                // the engine also answers to an id prefix: only the exact name counts
                if (network == null || !name.equals(network.getName())) {
                    return Optional.empty();
                }
                String subnet = "";
                String ipRange = "";
                if (network.getIpam() != null && network.getIpam().getConfig() != null) {
                    Optional<Network.Ipam.Config> v4 = network.getIpam().getConfig().stream()
                            .filter(c -> c.getSubnet() != null && c.getSubnet().contains(".")).findFirst();
                    subnet = v4.map(Network.Ipam.Config::getSubnet).orElse("");
                    ipRange = v4.map(Network.Ipam.Config::getIpRange).orElse("");
                }
                List<String> containers = new ArrayList<>();
                Map<String, Network.ContainerNetworkConfig> attached = network.getContainers();
                if (attached != null) {
                    attached.forEach((id, c) -> containers.add(c.getName() == null ? id : c.getName()));
                }
                containers.sort(null);
                return Optional.of(new Found(subnet, ipRange, containers));
            }

            @Override
            public void create(ContainerNetworkRules.BridgeSpec spec) {
                Network.Ipam.Config ipam = new Network.Ipam.Config().withSubnet(spec.subnet())
                        .withGateway(spec.gateway());
                if (!spec.ipRange().isEmpty()) {
                    ipam.withIpRange(spec.ipRange());
                }
                docker.createNetworkCmd().withName(spec.name()).withDriver("bridge")
                        .withIpam(new Network.Ipam().withConfig(ipam))
                        .withOptions(spec.options()).withLabels(spec.labels()).withCheckDuplicate(true).exec();
            }

            @Override
            public void remove(String name) {
                try {
                    docker.removeNetworkCmd(name).exec();
                } catch (NotFoundException e) {
                    // gone already
                }
            }
        };
    }
}
