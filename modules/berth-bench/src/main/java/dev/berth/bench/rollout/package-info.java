/**
 * The side-by-side rolling-update benchmark of the rollout issue: N replicas of a workload that
 * exits on SIGTERM at once, rolled to a new image P at a time with no delay, on one Docker engine
 * by the engine itself (stop, remove, create and start, P slots at a time, batch after batch: the
 * bound), by Docker Swarm ({@code service update}) and by Berth ({@code apply -f} of the changed
 * spec); seconds until every replica runs the new image and until the rollout is reported
 * complete, with medians and ratios. Run by {@code deploy/bench-rollout.sh}, which sets up and
 * tears down Swarm and Berth; the start-up benchmark's pieces ({@code dev.berth.bench.startup})
 * remove what each system made and poll at the same rate.
 */
package dev.berth.bench.rollout;
