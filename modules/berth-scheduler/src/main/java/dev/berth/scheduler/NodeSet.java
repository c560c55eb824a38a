package dev.berth.scheduler;

import dev.berth.api.Constraint;
import dev.berth.api.Node;
import dev.berth.api.PlacementPreference;
import dev.berth.api.Task;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every node of one plan, as {@link NodeInfo}s built from a snapshot of nodes and the tasks
 * already placed on them. Besides the nodes it keeps, per service, how many tasks run on the
 * nodes sharing a label value, which placement preferences ({@code spread: node.labels.zone})
 * need and which would otherwise cost a pass over all nodes for every node compared.
 */
public final class NodeSet {

    /** The value of a node that lacks the spread label: such nodes form a group of their own, as in Swarm. */
    private static final String MISSING = "\u0000missing";

    private final List<NodeInfo> nodes;
    private final Map<String, NodeInfo> byId;
    private final Map<SpreadKey, Spread> spreads = new HashMap<>();
    private final Map<String, List<Spread>> spreadsByService = new HashMap<>();
    /**
     * The spread asked for last. Scorers ask for the same one for every node compared, and tasks
     * of one group share their preference list, so this saves hashing the key each time.
     */
    private SpreadKey lastKey;
    private Spread lastSpread;

    private NodeSet(Map<String, NodeInfo> byId) {
        this.byId = byId;
        List<NodeInfo> sorted = new ArrayList<>(byId.values());
        sorted.sort(Comparator.comparing(NodeInfo::id));
        for (int i = 0; i < sorted.size(); i++) {
            sorted.get(i).index = i;
        }
        this.nodes = Collections.unmodifiableList(sorted);
    }

    /**
     * The node set of a snapshot. Placed tasks count on the node named by their {@code nodeId};
     * those whose node is not in the snapshot are ignored (the node is gone, nothing to count on).
     */
    public static NodeSet of(Collection<Node> nodes, Collection<Task> placed) {
        Map<String, List<Task>> tasksByNode = new HashMap<>();
        for (Task task : placed) {
            tasksByNode.computeIfAbsent(task.spec().nodeId(), k -> new ArrayList<>()).add(task);
        }
        Map<String, NodeInfo> byId = new LinkedHashMap<>();
        for (Node node : nodes) {
            byId.put(node.id(), NodeInfo.of(node, tasksByNode.getOrDefault(node.id(), List.of())));
        }
        return new NodeSet(byId);
    }

    /** All nodes, by id. */
    public List<NodeInfo> all() {
        return nodes;
    }

    public Optional<NodeInfo> get(String nodeId) {
        return Optional.ofNullable(byId.get(nodeId));
    }

    public int size() {
        return nodes.size();
    }

    /**
     * How many tasks of {@code task}'s service run on the nodes that share {@code node}'s values
     * for the task's first {@code level + 1} placement preferences: the count that spreading
     * over label values keeps even. Level 0 groups by the first preference's label; level 1 by the
     * first two, and so on, which makes later preferences split each group of the earlier ones.
     */
    public int preferenceCount(Task task, int level, NodeInfo node) {
        Spread spread = spreadFor(task);
        return spread.counts[level][spread.groups[node.index][level]];
    }

    /** Places {@code task} on {@code node}: every count from now on includes it. */
    void place(Task task, NodeInfo node) {
        if (!node.addTask(task)) {
            return;
        }
        for (Spread spread : spreadsByService.getOrDefault(NodeInfo.serviceKey(task), List.of())) {
            int[] groups = spread.groups[node.index];
            for (int level = 0; level < groups.length; level++) {
                spread.counts[level][groups[level]]++;
            }
        }
    }

    private Spread spreadFor(Task task) {
        String service = NodeInfo.serviceKey(task);
        List<PlacementPreference> preferences = task.spec().template().placement().preferences();
        if (lastKey != null && lastKey.service() == service && lastKey.preferences() == preferences) {
            return lastSpread;
        }
        SpreadKey key = new SpreadKey(service, preferences);
        Spread spread = spreads.get(key);
        if (spread == null) {
            // Built on first use, then kept up to date by place(): one pass over the nodes per
            // service and preference list, not one per comparison.
            spread = buildSpread(task, preferences);
            spreads.put(key, spread);
            spreadsByService.computeIfAbsent(service, k -> new ArrayList<>()).add(spread);
        }
        lastKey = key;
        lastSpread = spread;
        return spread;
    }

    private Spread buildSpread(Task task, List<PlacementPreference> preferences) {
        int levels = preferences.size();
        List<Map<List<String>, Integer>> groupIds = new ArrayList<>();
        for (int level = 0; level < levels; level++) {
            groupIds.add(new HashMap<>());
        }
        int[][] groups = new int[nodes.size()][];
        for (NodeInfo node : nodes) {
            int[] nodeGroups = new int[levels];
            List<String> path = new ArrayList<>();
            for (int level = 0; level < levels; level++) {
                path.add(Constraint.attributeOf(node.node(), preferences.get(level).spread()).orElse(MISSING));
                Map<List<String>, Integer> ids = groupIds.get(level);
                nodeGroups[level] = ids.computeIfAbsent(List.copyOf(path), k -> ids.size());
            }
            groups[node.index] = nodeGroups;
        }
        int[][] counts = new int[levels][];
        for (int level = 0; level < levels; level++) {
            counts[level] = new int[groupIds.get(level).size()];
        }
        for (NodeInfo node : nodes) {
            int onNode = node.serviceTaskCount(task);
            int[] nodeGroups = groups[node.index];
            for (int level = 0; level < levels; level++) {
                counts[level][nodeGroups[level]] += onNode;
            }
        }
        return new Spread(groups, counts);
    }

    private record SpreadKey(String service, List<PlacementPreference> preferences) {
    }

    /**
     * One service's counts for one list of preferences: each node's group at every level (by
     * node index), and the service's task count in every group.
     */
    private record Spread(int[][] groups, int[][] counts) {
    }
}
