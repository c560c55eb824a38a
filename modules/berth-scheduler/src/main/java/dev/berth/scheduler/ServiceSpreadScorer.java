package dev.berth.scheduler;

import dev.berth.api.Task;

/**
 * Prefers the node running the fewest tasks of the task's own service, so that one node going
 * down takes as few of a service's replicas with it as possible. Swarm's main spreading rule.
 */
public final class ServiceSpreadScorer implements Scorer {

    @Override
    public int compare(Task task, NodeInfo a, NodeInfo b, NodeSet nodes) {
        return Integer.compare(a.serviceTaskCount(task), b.serviceTaskCount(task));
    }
}
