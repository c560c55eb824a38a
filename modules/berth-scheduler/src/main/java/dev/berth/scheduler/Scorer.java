package dev.berth.scheduler;

import dev.berth.api.Task;

/**
 * A soft placement rule: it ranks two nodes that both passed every {@link Filter} for a task.
 * The planner asks its scorers in order and the first one that tells the nodes apart decides,
 * so earlier scorers matter more (placement preferences before spreading before total load);
 * when none can, the node id decides, which keeps every plan deterministic.
 */
public interface Scorer {

    /**
     * Compares two candidate nodes for {@code task}: negative when {@code a} is the better
     * place, positive when {@code b} is, 0 when this scorer cannot tell them apart.
     *
     * @param nodes every node of the plan, for scorers that look beyond the two nodes (spreading
     *     over label values counts tasks on all nodes sharing a value)
     */
    int compare(Task task, NodeInfo a, NodeInfo b, NodeSet nodes);
}
