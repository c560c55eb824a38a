package dev.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeState;
import dev.berth.api.NodeStatus;
import dev.berth.api.ObjectMeta;
import dev.berth.api.ResourceList;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.cli.CliException;
import dev.berth.cli.client.ApiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure parts of the node commands: resolution, filters, label changes, leave's decision. */
class NodeCommandsTest {

    static Node node(String id, String hostname, NodeRole role, Map<String, String> labels) {
        return Node.of(ObjectMeta.named(id).withLabels(labels), new NodeSpec(role, NodeAvailability.ACTIVE),
                new NodeStatus(NodeState.READY, "", hostname, "10.0.0.1", ResourceList.NONE, "", Optional.empty()));
    }

    static final List<Node> NODES = List.of(
            node("abc111", "web", NodeRole.WORKER, Map.of("zone", "a")),
            node("abc222", "web", NodeRole.WORKER, Map.of("zone", "b", "ssd", "")),
            node("def333", "db", NodeRole.MANAGER, Map.of()));

    @Test
    void resolvesByIdThenHostnameThenPrefix() {
        assertThat(NodeCommand.resolve(NODES, "abc222").id()).isEqualTo("abc222");
        assertThat(NodeCommand.resolve(NODES, "db").id()).isEqualTo("def333");
        assertThat(NodeCommand.resolve(NODES, "de").id()).isEqualTo("def333");
        assertThat(NodeCommand.resolve(NODES, "abc1").id()).isEqualTo("abc111");
    }

    @Test
    void ambiguousAndUnknownNodesAreErrorsNamingThem() {
        assertThatThrownBy(() -> NodeCommand.resolve(NODES, "web")).isInstanceOf(ApiException.class)
                .hasMessageContaining("hostname \"web\" is ambiguous").hasMessageContaining("abc111 (web)")
                .hasMessageContaining("abc222 (web)").hasMessageContaining("use the node id");
        assertThatThrownBy(() -> NodeCommand.resolve(NODES, "abc")).isInstanceOf(ApiException.class)
                .hasMessageContaining("id prefix \"abc\" is ambiguous");
        assertThatThrownBy(() -> NodeCommand.resolve(NODES, "zzz")).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).isNotFound()).isTrue());
        assertThatThrownBy(() -> NodeCommand.resolve(NODES, "")).isInstanceOf(ApiException.class);
    }

    @Test
    void theCurrentNodeIsTheStateDirsWhenTheClusterHasIt(@TempDir Path dir) throws Exception {
        assertThat(NodeCommand.readNodeId(dir)).isEmpty();
        Files.writeString(dir.resolve("agent-node-id"), "abc222\n");
        assertThat(NodeCommand.readNodeId(dir)).contains("abc222");
        Files.writeString(dir.resolve("node-id"), "def333\n");
        assertThat(NodeCommand.readNodeId(dir)).contains("def333");
        assertThat(NodeCommand.currentNodeId(Optional.of("abc111"), NODES, "def333")).isEqualTo("abc111");
        assertThat(NodeCommand.currentNodeId(Optional.of("other-cluster"), NODES, "def333")).isEqualTo("def333");
        assertThat(NodeCommand.currentNodeId(Optional.empty(), NODES, "def333")).isEqualTo("def333");
    }

    @Test
    void nodeFiltersAndWithinAKeyOr() {
        NodeFilter workersInA = NodeFilter.parse(List.of("role=worker", "label=zone=a"), NodeFilter.NODE_KEYS);
        assertThat(NODES.stream().filter(workersInA::matches).map(Node::id)).containsExactly("abc111");
        NodeFilter aOrB = NodeFilter.parse(List.of("label=zone=a", "node.label=zone=b"), NodeFilter.NODE_KEYS);
        assertThat(NODES.stream().filter(aOrB::matches).map(Node::id)).containsExactly("abc111", "abc222");
        NodeFilter hasSsd = NodeFilter.parse(List.of("label=ssd"), NodeFilter.NODE_KEYS);
        assertThat(NODES.stream().filter(hasSsd::matches).map(Node::id)).containsExactly("abc222");
        NodeFilter managers = NodeFilter.parse(List.of("role=manager", "availability=active"), NodeFilter.NODE_KEYS);
        assertThat(NODES.stream().filter(managers::matches).map(Node::id)).containsExactly("def333");
        assertThat(NODES.stream().filter(NodeFilter.parse(List.of(), NodeFilter.NODE_KEYS)::matches)).hasSize(3);
    }

    @Test
    void badFiltersAreRefused() {
        assertThatThrownBy(() -> NodeFilter.parse(List.of("role"), NodeFilter.NODE_KEYS))
                .hasMessageContaining("expected KEY=VALUE");
        assertThatThrownBy(() -> NodeFilter.parse(List.of("colour=red"), NodeFilter.NODE_KEYS))
                .hasMessageContaining("invalid filter \"colour\"");
        assertThatThrownBy(() -> NodeFilter.parse(List.of("role=boss"), NodeFilter.NODE_KEYS))
                .hasMessageContaining("manager, worker");
        assertThatThrownBy(() -> NodeFilter.parse(List.of("label==a"), NodeFilter.NODE_KEYS))
                .hasMessageContaining("needs a key");
        assertThatThrownBy(() -> NodeFilter.parse(List.of("role=worker"), NodeFilter.TASK_KEYS))
                .hasMessageContaining("invalid filter");
    }

    @Test
    void nodePsKeepsTheNodesTasksAndFiltersByDesiredState() {
        Task running = task("t1", "abc111", TaskState.RUNNING);
        Task stopped = task("t2", "abc111", TaskState.SHUTDOWN);
        Task elsewhere = task("t3", "def333", TaskState.RUNNING);
        List<Task> all = List.of(running, stopped, elsewhere);
        assertThat(NodePsCommand.tasksOn(all, Set.of("abc111"), NodeFilter.parse(List.of(), NodeFilter.TASK_KEYS)))
                .containsExactly(running, stopped);
        assertThat(NodePsCommand.tasksOn(all, Set.of("abc111", "def333"),
                NodeFilter.parse(List.of("desired-state=running"), NodeFilter.TASK_KEYS))).containsExactly(running, elsewhere);
        assertThat(NodePsCommand.tasksOn(all, Set.of("abc111"),
                NodeFilter.parse(List.of("desired-state=shutdown"), NodeFilter.TASK_KEYS))).containsExactly(stopped);
    }

    private static Task task(String id, String node, TaskState desired) {
        return Task.of(ObjectMeta.named(id), new TaskSpec("web", "u", 1, node, desired,
                ServiceSpec.ofImage("x").taskTemplate()), new TaskStatus(TaskState.RUNNING, "", "", Optional.empty(), ""));
    }

    @Test
    void labelAddsTakeKeyValueOrKeyAlone() {
        assertThat(NodeUpdateCommand.parseLabelAdds(List.of("zone=a", "ssd=true", "x=1=2", "zone=b")))
                .containsExactly(Map.entry("zone", "b"), Map.entry("ssd", "true"), Map.entry("x", "1=2"));
        assertThatThrownBy(() -> NodeUpdateCommand.parseLabelAdds(List.of("=v"))).hasMessageContaining("--label-add \"=v\"");
        assertThatThrownBy(() -> NodeUpdateCommand.parseLabelAdds(List.of(""))).hasMessageContaining("expected KEY=VALUE");
        assertThatThrownBy(() -> NodeUpdateCommand.parseLabelAdds(List.of("ssd"))).hasMessageContaining("ssd=true");
        assertThatThrownBy(() -> NodeUpdateCommand.parseLabelAdds(List.of("ssd="))).hasMessageContaining("not kept");
        assertThat(NodeUpdateCommand.parseAvailability("Drain")).isEqualTo(NodeAvailability.DRAIN);
        assertThatThrownBy(() -> NodeUpdateCommand.parseAvailability("off")).hasMessageContaining("active, pause or drain");
    }

    @Test
    void updateAddsThenRemovesAndSetsAvailability() {
        Node n = NODES.get(1);
        Node changed = NodeUpdateCommand.update(n, Map.of("rack", "7"), List.of("ssd"), Optional.of(NodeAvailability.PAUSE));
        assertThat(changed.metadata().labels()).containsExactly(Map.entry("rack", "7"), Map.entry("zone", "b"));
        assertThat(changed.spec().availability()).isEqualTo(NodeAvailability.PAUSE);
        assertThat(changed.spec().role()).isEqualTo(NodeRole.WORKER);
        assertThat(NodeUpdateCommand.update(n, Map.of(), List.of(), Optional.empty())).isEqualTo(n);
        assertThatThrownBy(() -> NodeUpdateCommand.update(n, Map.of(), List.of("colour"), Optional.empty()))
                .isInstanceOf(CliException.class).hasMessage("key colour doesn't exist in node's labels");
    }

    @Test
    void leaveKnowsWhatThisServerIs() {
        assertThat(LeaveCommand.membership(true, false, true)).isEqualTo(LeaveCommand.Membership.MANAGER);
        assertThat(LeaveCommand.membership(false, false, true)).isEqualTo(LeaveCommand.Membership.MANAGER);
        assertThat(LeaveCommand.membership(false, true, true)).isEqualTo(LeaveCommand.Membership.WORKER);
        assertThat(LeaveCommand.membership(false, true, false)).isEqualTo(LeaveCommand.Membership.WORKER);
        assertThat(LeaveCommand.membership(false, false, false)).isEqualTo(LeaveCommand.Membership.NONE);
        assertThat(LeaveCommand.clusterFiles(LeaveCommand.Membership.WORKER))
                .contains("node-id", "agent-node-id", "tls", "managers").doesNotContain("etcd", "manager.log");
        assertThat(LeaveCommand.clusterFiles(LeaveCommand.Membership.MANAGER)).contains("etcd", "manager.pid");
    }
}
