/**
 * Published ports on the node: kernel DNAT rules (iptables nat table, as kube-proxy's iptables
 * mode builds them) that make a service's published port answer on every local address of the
 * node, 127.0.0.1 included, balanced across the service's running tasks on this node.
 *
 * <p>{@link dev.berth.agent.network.PortRules} is the pure part: from the locally running
 * tasks ({@link dev.berth.agent.network.LocalEndpoint}) it computes the complete ruleset and
 * renders it as {@code iptables-restore --noflush} input. {@link
 * dev.berth.agent.network.IptablesPortPublisher} applies it and removes it;
 * {@link dev.berth.agent.network.PortCheck} refuses a published port another process already
 * holds, before the task's container starts.
 */
package dev.berth.agent.network;
