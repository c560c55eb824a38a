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
     * @param containers the names of the containers attached to it now
     */
    record Found(String subnet, List<String> containers) {
        public Found {
            subnet = subnet == null ? "" : subnet;
            containers = List.copyOf(containers);
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
                if (network.getIpam() != null && network.getIpam().getConfig() != null) {
                    subnet = network.getIpam().getConfig().stream().map(Network.Ipam.Config::getSubnet)
                            .filter(s -> s != null && s.contains(".")).findFirst().orElse("");
                }
                List<String> containers = new ArrayList<>();
                Map<String, Network.ContainerNetworkConfig> attached = network.getContainers();
                if (attached != null) {
                    attached.forEach((id, c) -> containers.add(c.getName() == null ? id : c.getName()));
                }
                containers.sort(null);
                return Optional.of(new Found(subnet, containers));
            }

            @Override
            public void create(ContainerNetworkRules.BridgeSpec spec) {
                docker.createNetworkCmd().withName(spec.name()).withDriver("bridge")
                        .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(spec.subnet())
                                .withGateway(spec.gateway())))
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
