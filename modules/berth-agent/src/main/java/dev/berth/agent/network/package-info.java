/**
 * The node's networking, all programmed from the network map the manager sends.
 *
 * <p>The cluster network: {@link dev.berth.agent.network.ContainerNetwork} programs the node's
 * part of it (the Docker bridge network of the node's subnet, routes to the other nodes' subnets
 * planned by {@link dev.berth.agent.network.Routes}, forward and masquerade rules rendered by
 * {@link dev.berth.agent.network.ContainerNetworkRules}); {@link
 * dev.berth.agent.network.ContainerAddresses} gives each task's container its address in the
 * subnet; {@link dev.berth.agent.network.VethPlumber} links each container to the bridge (a veth
 * pair, as the CNI bridge plugin makes it), running the wait of its entrypoint on the host's
 * busybox that {@link dev.berth.agent.network.StaticBusybox} finds;
 * {@link dev.berth.agent.network.NodeDns} serves the cluster DNS on the bridge's gateway.
 *
 * <p>Service networking in the kernel: iptables nat rules (as kube-proxy's iptables mode builds
 * them) that send a service's virtual IP and its published ports to the service's ready tasks on
 * any node of the cluster (the routing mesh: a published port answers on every local address of
 * every node, 127.0.0.1 included). {@link dev.berth.agent.network.ServiceRules} is the pure part:
 * from the network map it computes the complete ruleset and renders it as
 * {@code iptables-restore --noflush} input. {@link dev.berth.agent.network.IptablesPortPublisher}
 * applies it and removes it; {@link dev.berth.agent.network.PortCheck} refuses a published port
 * another process already holds, before the task's container starts.
 */
package dev.berth.agent.network;
