package dev.berth.scheduler;

import dev.berth.api.ByteSize;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeState;
import dev.berth.api.NodeStatus;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Placement;
import dev.berth.api.PlacementPreference;
import dev.berth.api.PortConfig;
import dev.berth.api.Protocol;
import dev.berth.api.PublishMode;
import dev.berth.api.ResourceList;
import dev.berth.api.Resources;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.api.TaskTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Nodes, templates and tasks for the scheduler's tests, built from a few words each. */
final class Fixtures {

    private Fixtures() {
    }

    /** A ready, active worker offering 4 CPUs and 8Gi. */
    static Node node(String id) {
        return node(id, NodeState.READY, NodeAvailability.ACTIVE, 4, "8Gi", Map.of());
    }

    static Node node(String id, NodeState state, NodeAvailability availability, double cpus, String memory,
            Map<String, String> labels) {
        return node(id, state, availability, cpus, memory, labels, NodeRole.WORKER);
    }

    static Node node(String id, NodeState state, NodeAvailability availability, double cpus, String memory,
            Map<String, String> labels, NodeRole role) {
        ObjectMeta meta = ObjectMeta.named(id).withLabels(labels);
        NodeStatus status = new NodeStatus(state, "", "host-" + id, "10.0.0.1",
                new ResourceList(cpus, ByteSize.parse(memory)), "20.10", Optional.empty());
        return Node.of(meta, new NodeSpec(role, availability), status);
    }

    static Node withResources(Node node, double cpus, String memory) {
        NodeStatus s = node.status();
        return node.withStatus(new NodeStatus(s.state(), s.message(), s.hostname(), s.address(),
                new ResourceList(cpus, ByteSize.parse(memory)), s.engineVersion(), s.lastHeartbeat()));
    }

    static Node withLabels(Node node, Map<String, String> labels) {
        return node.withMetadata(node.metadata().withLabels(labels));
    }

    static Node withState(Node node, NodeState state) {
        return node.withStatus(node.status().withState(state, ""));
    }

    static Node withAvailability(Node node, NodeAvailability availability) {
        return node.withSpec(new NodeSpec(node.spec().role(), availability));
    }

    /** A template with nothing reserved, no placement rules, no ports. */
    static TaskTemplate template() {
        return new TaskTemplate("example/whoami:1", null, null, null, null, null, null, null, null, null);
    }

    static TaskTemplate reserve(TaskTemplate t, double cpus, String memory) {
        Resources resources = new Resources(new ResourceList(cpus, ByteSize.parse(memory)), ResourceList.NONE);
        return new TaskTemplate(t.image(), t.command(), t.args(), t.env(), t.ports(), resources, t.placement(),
                t.restartPolicy(), t.stopSignal(), t.stopGracePeriod());
    }

    static TaskTemplate placement(TaskTemplate t, Placement placement) {
        return new TaskTemplate(t.image(), t.command(), t.args(), t.env(), t.ports(), t.resources(), placement,
                t.restartPolicy(), t.stopSignal(), t.stopGracePeriod());
    }

    static TaskTemplate constraints(TaskTemplate t, String... constraints) {
        Placement p = t.placement();
        return placement(t, new Placement(List.of(constraints), p.maxReplicasPerNode(), p.preferences()));
    }

    static TaskTemplate maxPerNode(TaskTemplate t, int max) {
        Placement p = t.placement();
        return placement(t, new Placement(p.constraints(), max, p.preferences()));
    }

    static TaskTemplate spread(TaskTemplate t, String... attributes) {
        Placement p = t.placement();
        return placement(t, new Placement(p.constraints(), p.maxReplicasPerNode(),
                Arrays.stream(attributes).map(PlacementPreference::new).toList()));
    }

    static TaskTemplate ports(TaskTemplate t, PortConfig... ports) {
        return new TaskTemplate(t.image(), t.command(), t.args(), t.env(), List.of(ports), t.resources(),
                t.placement(), t.restartPolicy(), t.stopSignal(), t.stopGracePeriod());
    }

    static PortConfig hostPort(int published) {
        return new PortConfig(published, 80, Protocol.TCP, PublishMode.HOST);
    }

    static PortConfig ingressPort(int published) {
        return new PortConfig(published, 80, Protocol.TCP, PublishMode.INGRESS);
    }

    /** A pending task of {@code service}, free to go to any node. */
    static Task task(String id, String service, TaskTemplate template) {
        return pinned(id, service, template, "");
    }

    /** A task of {@code service} bound to (or placed on) {@code nodeId}. */
    static Task pinned(String id, String service, TaskTemplate template, String nodeId) {
        TaskSpec spec = new TaskSpec(service, "uid-" + service, 1, nodeId, TaskState.RUNNING, template);
        TaskState state = nodeId.isEmpty() ? TaskState.PENDING : TaskState.ASSIGNED;
        return Task.of(ObjectMeta.named(id), spec, new TaskStatus(state, "", "", Optional.empty(), ""));
    }

    /** {@code count} pending tasks {@code service-1}, {@code service-2}... */
    static List<Task> tasks(String service, int count, TaskTemplate template) {
        List<Task> tasks = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            tasks.add(task(service + "-" + i, service, template));
        }
        return tasks;
    }

    /** {@code count} tasks of {@code service} already on {@code nodeId}. */
    static List<Task> placed(String service, int count, TaskTemplate template, String nodeId) {
        List<Task> tasks = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            tasks.add(pinned(service + "-on-" + nodeId + "-" + i, service, template, nodeId));
        }
        return tasks;
    }

    static NodeInfo info(Node node, Task... tasks) {
        return NodeInfo.of(node, List.of(tasks));
    }
}
