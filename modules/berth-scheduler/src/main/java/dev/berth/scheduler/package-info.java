/**
 * Berth's scheduler: decides which node runs each pending task. Pure code, no I/O, no threads.
 *
 * <p>{@link dev.berth.scheduler.Planner#plan} takes a snapshot (pending tasks, nodes, tasks
 * already placed) and returns a {@link dev.berth.scheduler.Plan}. For every task it runs the
 * {@link dev.berth.scheduler.Filter}s (hard rules, cheapest first: node ready, availability,
 * constraints, memory, CPU, max replicas per node, host ports) over the
 * {@link dev.berth.scheduler.NodeInfo}s, ranks the nodes left with the
 * {@link dev.berth.scheduler.Scorer}s (placement preferences, spread of the service, total
 * load, then node id), and counts the task on the chosen node before the next one. A task no node
 * can take is rejected with Swarm's sentence, e.g. {@code no suitable node (1 node not available
 * for new tasks; 2 nodes insufficient memory)}. See the module's README for the flow and words.
 */
package dev.berth.scheduler;
