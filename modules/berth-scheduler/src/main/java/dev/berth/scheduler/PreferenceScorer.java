package dev.berth.scheduler;

import dev.berth.api.Task;

/**
 * Honours placement preferences ({@code spread: node.labels.zone}): prefers the node whose label
 * value holds the fewest of the service's tasks, so tasks spread evenly over the values (zones,
 * racks) whatever the number of nodes behind each value. Nodes without the label form one more
 * group, as in Swarm. With several preferences the first decides, and each next one spreads
 * within the groups of those before it.
 */
public final class PreferenceScorer implements Scorer {

    @Override
    public int compare(Task task, NodeInfo a, NodeInfo b, NodeSet nodes) {
        int levels = task.spec().template().placement().preferences().size();
        for (int level = 0; level < levels; level++) {
            int byLevel = Integer.compare(nodes.preferenceCount(task, level, a),
                    nodes.preferenceCount(task, level, b));
            if (byLevel != 0) {
                return byLevel;
            }
        }
        return 0;
    }
}
