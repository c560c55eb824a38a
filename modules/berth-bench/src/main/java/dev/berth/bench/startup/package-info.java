/**
 * The side-by-side start-up benchmark of the agent issue: N replicas of a sleep container on one
 * Docker engine, started by the engine itself (N parallel create/start calls: the bound), by
 * Docker Swarm and by Berth; seconds to the first and to every task running, with medians and
 * ratios. Run by {@code deploy/bench-agent.sh}, which sets up and tears down Swarm and Berth.
 */
package dev.berth.bench.startup;
