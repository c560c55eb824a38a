package dev.berth.bench.failover;

import java.util.List;
import java.util.Map;

/**
 * One snapshot of a cluster as its orchestrator reports it, reduced to what the node-loss benchmark
 * decides on: each lab node's state and each task of the service. Both Berth and Swarm map their
 * own objects onto it, so that "down", "replaced" and "spread" mean the same for both.
 *
 * @param nodes the state of each lab node by its index (1-based); a node the system does not
 *     list is absent
 * @param tasks every task of the service the system lists, history included
 */
public record ClusterView(Map<Integer, NodeCondition> nodes, List<TaskView> tasks) {

    /** A node's state, as far as the benchmark cares. */
    public enum NodeCondition {
        READY,
        DOWN,
        OTHER
    }

    /**
     * One task of the service.
     *
     * @param node the lab index of the node it is placed on, 0 when unplaced or unknown
     * @param desiredRunning whether the system still wants it to run (it counts as a replica);
     *     a task on a lost node whose replacement exists is no longer wanted, even if its last
     *     reported state is still running
     * @param running whether its last reported state is running
     */
    public record TaskView(int node, boolean desiredRunning, boolean running) {

        /** Whether the system counts it as a running replica. */
        public boolean counted() {
            return desiredRunning && running;
        }
    }

    public ClusterView {
        nodes = Map.copyOf(nodes);
        tasks = List.copyOf(tasks);
    }

    /** The state of node {@code index}, {@link NodeCondition#OTHER} when unlisted. */
    public NodeCondition node(int index) {
        return nodes.getOrDefault(index, NodeCondition.OTHER);
    }

    /** Running replicas per node: element {@code i - 1} is node {@code i}'s count. */
    public int[] spread(int nodeCount) {
        int[] counts = new int[nodeCount];
        for (TaskView t : tasks) {
            if (t.counted() && t.node() >= 1 && t.node() <= nodeCount) {
                counts[t.node() - 1]++;
            }
        }
        return counts;
    }

    /** Replicas the system counts as running, on any node. */
    public int runningReplicas() {
        return (int) tasks.stream().filter(TaskView::counted).count();
    }

    /**
     * Whether {@code replicas} run, spread as evenly as possible over nodes 1..{@code nodeCount}
     * (2/2/2 for 6 on 3: no node differs from another by more than one).
     */
    public boolean evenlySpread(int replicas, int nodeCount) {
        int[] counts = spread(nodeCount);
        int min = Integer.MAX_VALUE;
        int max = 0;
        int sum = 0;
        for (int c : counts) {
            min = Math.min(min, c);
            max = Math.max(max, c);
            sum += c;
        }
        return sum == replicas && runningReplicas() == replicas && max - min <= 1;
    }

    /**
     * Whether the loss of node {@code lost} is repaired: the system counts exactly
     * {@code replicas} running replicas and wants none of its tasks on the lost node.
     */
    public boolean replacedOff(int lost, int replicas) {
        boolean wantedOnLost = tasks.stream().anyMatch(t -> t.desiredRunning() && t.node() == lost);
        return !wantedOnLost && runningReplicas() == replicas;
    }
}
