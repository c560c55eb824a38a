/**
 * Joining a cluster from the new server's side: check the manager's CA against the join token's
 * fingerprint before trusting anything ({@link dev.berth.agent.join.JoinClient}), make the node's
 * key pair locally (the private key never leaves the server, {@link dev.berth.agent.join.NodeKeys}),
 * and keep what the join gave in the state directory ({@link dev.berth.agent.join.JoinState}), from
 * which a restarted agent opens its mutual-TLS session again.
 */
package dev.berth.agent.join;
