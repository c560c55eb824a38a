package dev.berth.scheduler;

import dev.berth.api.Node;
import dev.berth.api.PortConfig;
import dev.berth.api.Protocol;
import dev.berth.api.PublishMode;
import dev.berth.api.ResourceList;
import dev.berth.api.Task;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A node as the planner sees it: the node plus the tasks on it, with the totals filters and
 * scorers ask about (reserved CPU and memory, host ports in use, tasks per service) kept as
 * counters, so that asking costs nothing however many tasks the node has.
 *
 * <p>A plan updates its node infos as it places tasks, so a task placed earlier in the same plan
 * counts like one already running. Only the planner changes them; everyone else reads.
 */
public final class NodeInfo {

    private static final double NANOS = 1e9;

    private final Node node;
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final Map<String, int[]> tasksByService = new HashMap<>();
    private final Set<HostPort> usedHostPorts = new HashSet<>();
    private final long offeredNanoCpus;
    private final long offeredMemoryBytes;
    private long reservedNanoCpus;
    private long reservedMemoryBytes;
    /** This node's position in its {@link NodeSet}, so per-node tables there can be arrays. */
    int index = -1;

    /** A published host-mode port: two tasks cannot both bind it on one node. */
    private record HostPort(Protocol protocol, int port) {
    }

    private NodeInfo(Node node) {
        this.node = node;
        ResourceList offered = node.status().resources();
        this.offeredNanoCpus = nanoCpus(offered.cpus());
        this.offeredMemoryBytes = offered.memory().bytes();
    }

    /** A node info for {@code node} carrying {@code tasks} (tasks of other nodes are counted too: the caller picks). */
    public static NodeInfo of(Node node, Collection<Task> tasks) {
        NodeInfo info = new NodeInfo(node);
        tasks.forEach(info::addTask);
        return info;
    }

    /**
     * The key that tells services apart in per-service counts: the service uid, so that a
     * deleted and re-created service starts afresh, or its name for tasks without one.
     */
    public static String serviceKey(Task task) {
        String uid = task.spec().serviceUid();
        return uid.isEmpty() ? task.spec().serviceName() : uid;
    }

    /**
     * CPUs as whole nano-CPUs, like swarmkit: sums and comparisons of reservations must be exact,
     * and {@code 0.1 + 0.2} is not {@code 0.3} in doubles.
     */
    public static long nanoCpus(double cpus) {
        return Math.round(cpus * NANOS);
    }

    /** The host-mode ports of a task that bind on its node: published, in host mode. */
    static boolean bindsHostPort(PortConfig port) {
        return port.publishMode() == PublishMode.HOST && port.published() > 0;
    }

    public Node node() {
        return node;
    }

    public String id() {
        return node.id();
    }

    /** The tasks on this node, in the order they were added. */
    public Collection<Task> tasks() {
        return Collections.unmodifiableCollection(tasks.values());
    }

    /** How many tasks the node runs, of every service. */
    public int taskCount() {
        return tasks.size();
    }

    /** How many tasks of {@code task}'s service (see {@link #serviceKey}) the node runs. */
    public int serviceTaskCount(Task task) {
        int[] count = tasksByService.get(serviceKey(task));
        return count == null ? 0 : count[0];
    }

    /** CPUs the node offers minus what its tasks reserve, in nano-CPUs; negative when over-committed. */
    public long availableNanoCpus() {
        return offeredNanoCpus - reservedNanoCpus;
    }

    /** Memory the node offers minus what its tasks reserve, in bytes; negative when over-committed. */
    public long availableMemoryBytes() {
        return offeredMemoryBytes - reservedMemoryBytes;
    }

    /** CPUs reserved by the node's tasks, in nano-CPUs. */
    public long reservedNanoCpus() {
        return reservedNanoCpus;
    }

    /** Memory reserved by the node's tasks, in bytes. */
    public long reservedMemoryBytes() {
        return reservedMemoryBytes;
    }

    /** Whether a task on this node already publishes {@code port} in host mode. */
    public boolean hostPortInUse(PortConfig port) {
        return usedHostPorts.contains(new HostPort(port.protocol(), port.published()));
    }

    /**
     * Counts {@code task} on this node. Adding a task twice (same id) counts it once, so a task
     * both placed and pending cannot be counted double.
     *
     * @return whether the task was new to this node
     */
    boolean addTask(Task task) {
        if (tasks.putIfAbsent(task.id(), task) != null) {
            return false;
        }
        tasksByService.computeIfAbsent(serviceKey(task), k -> new int[1])[0]++;
        ResourceList reservations = task.spec().template().resources().reservations();
        reservedNanoCpus += nanoCpus(reservations.cpus());
        reservedMemoryBytes += reservations.memory().bytes();
        for (PortConfig port : task.spec().template().ports()) {
            if (bindsHostPort(port)) {
                usedHostPorts.add(new HostPort(port.protocol(), port.published()));
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "NodeInfo[" + id() + ", tasks=" + tasks.size() + ", availableNanoCpus=" + availableNanoCpus()
                + ", availableMemoryBytes=" + availableMemoryBytes() + "]";
    }
}
