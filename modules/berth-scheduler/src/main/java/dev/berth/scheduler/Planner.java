package dev.berth.scheduler;

import dev.berth.api.Node;
import dev.berth.api.Task;
import dev.berth.api.TaskTemplate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Berth's scheduler: plans where a batch of pending tasks should run, against one snapshot of
 * the cluster. For each task it keeps the nodes that pass every {@link Filter}, picks the best
 * of them by the {@link Scorer}s, and counts the task on that node before planning the next, so
 * a batch never over-commits a node. It does no I/O and keeps no state between plans: the same
 * input always gives the same plan.
 *
 * <p>Tasks of one service with the same template are interchangeable, so they are planned as a
 * group, like swarmkit does: the filters run over all nodes once per group, and after each
 * placement only the chosen node (the only one that changed) is checked again. A plan costs
 * about groups × nodes filter checks plus tasks × candidate nodes comparisons.
 *
 * <p>A planner holds only its filters and scorers, so one instance may serve any number of plans,
 * from any thread.
 */
public final class Planner {

    private static final String NO_SUITABLE_NODE = "no suitable node";

    private final List<Filter> filters;
    private final List<Scorer> scorers;

    /** A planner with the {@linkplain #defaultFilters default filters} and {@linkplain #defaultScorers scorers}. */
    public Planner() {
        this(defaultFilters(), defaultScorers());
    }

    /**
     * A planner with its own filters and scorers.
     *
     * @param filters run in this order, so list the cheapest first; a rejection names them in this order
     * @param scorers asked in this order; the first that tells two nodes apart decides
     */
    public Planner(List<Filter> filters, List<Scorer> scorers) {
        this.filters = List.copyOf(filters);
        this.scorers = List.copyOf(scorers);
    }

    /**
     * The filters of {@link #Planner()}, in pipeline order. Cheapest first, and in the order a
     * person reads a rejection: first whether a node is usable at all, then whether the task
     * belongs there, then whether there is room.
     */
    public static List<Filter> defaultFilters() {
        return List.of(
                // Always first: a node that is not ready runs nothing, whatever else holds.
                new ReadyFilter(),
                // Then the operator's word: paused and drained nodes take no new tasks.
                new AvailabilityFilter(),
                // The task's own rules about nodes; fixed for a node during a plan.
                new ConstraintFilter(),
                // Room: these change as the plan places tasks.
                new MemoryFilter(),
                new CpuFilter(),
                new MaxReplicasFilter(),
                new HostPortFilter());
    }

    /**
     * The scorers of {@link #Planner()}, most important first: the user's placement preferences,
     * then spreading the service over nodes, then the overall load. The node id breaks ties.
     */
    public static List<Scorer> defaultScorers() {
        return List.of(new PreferenceScorer(), new ServiceSpreadScorer(), new TotalTasksScorer());
    }

    /**
     * Plans every pending task against one snapshot of the cluster. Pure.
     *
     * @param pending live tasks to place: free ones ({@code spec.nodeId} empty) go to the best node
     *     that fits; pinned ones (a global service's, {@code nodeId} set) are only checked against
     *     their node
     * @param nodes every node of the cluster, whatever its state
     * @param placed live tasks already on nodes: they count towards each node's load,
     *     reservations, host ports and tasks per service
     * @return every pending task exactly once, assigned or rejected
     */
    public Plan plan(Collection<Task> pending, Collection<Node> nodes, Collection<Task> placed) {
        Run run = new Run(NodeSet.of(nodes, placed));
        Map<Group, List<Task>> groups = new LinkedHashMap<>();
        // Pinned tasks go first, as swarmkit's pre-assigned ones do: they can run on one node
        // only, while a free task that finds that node full can still go elsewhere.
        for (Task task : pending) {
            if (task.spec().nodeId().isEmpty()) {
                groups.computeIfAbsent(Group.of(task), g -> new ArrayList<>()).add(task);
            } else {
                run.placePinned(task);
            }
        }
        for (List<Task> group : groups.values()) {
            run.placeGroup(group);
        }
        return new Plan(run.assignments, run.rejections);
    }

    /** Tasks that filters and scorers cannot tell apart: same service, same template. */
    private record Group(String service, TaskTemplate template) {
        static Group of(Task task) {
            return new Group(NodeInfo.serviceKey(task), task.spec().template());
        }
    }

    /** One plan in progress: the nodes as they fill up, and the decisions so far. */
    private final class Run {
        private final NodeSet nodes;
        private final List<Assignment> assignments = new ArrayList<>();
        private final List<Rejection> rejections = new ArrayList<>();

        Run(NodeSet nodes) {
            this.nodes = nodes;
        }

        void placePinned(Task task) {
            Optional<NodeInfo> node = nodes.get(task.spec().nodeId());
            if (node.isEmpty()) {
                rejections.add(new Rejection(task, "node " + task.spec().nodeId() + " not found"));
                return;
            }
            Pipeline pipeline = new Pipeline(filters, task);
            if (pipeline.passes(node.get())) {
                assign(task, node.get());
            } else {
                // Swarm reports only the explanation for a task bound to its node.
                rejections.add(new Rejection(task, pipeline.explain(List.of(node.get()))));
            }
        }

        void placeGroup(List<Task> group) {
            Pipeline pipeline = new Pipeline(filters, group.get(0));
            List<NodeInfo> candidates = new ArrayList<>();
            for (NodeInfo node : nodes.all()) {
                if (pipeline.passes(node)) {
                    candidates.add(node);
                }
            }
            for (int i = 0; i < group.size(); i++) {
                if (candidates.isEmpty()) {
                    // Nodes only fill up during a plan, so a node that failed once fails for
                    // the rest of the group: the reason is the same for every task left.
                    String reason = noSuitableNode(pipeline.explain(nodes.all()));
                    for (Task task : group.subList(i, group.size())) {
                        rejections.add(new Rejection(task, reason));
                    }
                    return;
                }
                Task task = group.get(i);
                NodeInfo best = best(task, candidates);
                assign(task, best);
                // Only the chosen node changed, so only it can have stopped fitting.
                if (!pipeline.passes(best)) {
                    candidates.remove(best);
                }
            }
        }

        private void assign(Task task, NodeInfo node) {
            nodes.place(task, node);
            assignments.add(new Assignment(task, node.id()));
        }

        /**
         * The best candidate by the scorers. Candidates are in node id order and only a strictly
         * better node replaces the best so far, so ties go to the lowest node id.
         */
        private NodeInfo best(Task task, List<NodeInfo> candidates) {
            NodeInfo best = candidates.get(0);
            for (int i = 1; i < candidates.size(); i++) {
                NodeInfo candidate = candidates.get(i);
                if (compare(task, candidate, best) < 0) {
                    best = candidate;
                }
            }
            return best;
        }

        private int compare(Task task, NodeInfo a, NodeInfo b) {
            for (Scorer scorer : scorers) {
                int result = scorer.compare(task, a, b, nodes);
                if (result != 0) {
                    return result;
                }
            }
            return 0;
        }
    }

    private static String noSuitableNode(String explanation) {
        // Swarm says just "no suitable node" when no filter turned a node down: no nodes at all.
        return explanation.isEmpty() ? NO_SUITABLE_NODE : NO_SUITABLE_NODE + " (" + explanation + ")";
    }
}
