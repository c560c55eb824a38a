/**
 * The node-loss benchmark of the multi-node issue: on a 3-node lab ({@code deploy/lab.sh}), a
 * service spread 2/2/2 loses node 3 (killed like a crashed server, or cut off the network); seconds
 * until the system marks the node down and until all replacements run on nodes 1–2, then a check
 * that no slot runs twice once node 3 is back. Berth and a Docker Swarm built in the same lab are
 * measured the same way. Run by {@code deploy/bench-failover.sh}, which builds and removes the labs.
 *
 * <p>{@link dev.berth.bench.failover.ClusterView} and {@link dev.berth.bench.failover.FailoverReport}
 * are pure (what a snapshot means, medians and the table); the contestants, the lab control and
 * the benchmark driver do the I/O.
 */
package dev.berth.bench.failover;
