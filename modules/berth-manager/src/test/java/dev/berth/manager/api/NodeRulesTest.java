package dev.berth.manager.api;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The node rules of {@link ObjectWrites}: who may be removed, and what a replace may change. */
class NodeRulesTest {

    private static Node node(String id, NodeRole role, NodeState state) {
        ObjectMeta meta = new ObjectMeta(id, Map.of("zone", "a"), Map.of(), "uid-" + id, 7, 1,
                Optional.of(Instant.parse("2026-11-28T17:00:00Z")));
        return Node.of(meta, new NodeSpec(role, NodeAvailability.ACTIVE),
                new NodeStatus(state, "", "host-" + id, "10.0.0.2", ResourceList.NONE, "", Optional.empty()));
    }

    private static Task task(String node, TaskState desired) {
        return Task.of(ObjectMeta.named("t-" + desired.name().toLowerCase()), new TaskSpec("web", "u", 1, node, desired,
                ServiceSpec.ofImage("x").taskTemplate()), new TaskStatus(TaskState.RUNNING, "", "", Optional.empty(), ""));
    }

    @Test
    void aManagerIsNeverRemoved() {
        Node m = node("m1", NodeRole.MANAGER, NodeState.DOWN);
        assertThat(ObjectWrites.nodeRemovalRefusal(m, List.of(), true))
                .hasValueSatisfying(r -> assertThat(r).startsWith("node m1 (host-m1) is a manager:"));
    }

    @Test
    void aReadyNodeOrOneWithTasksToRunNeedsForce() {
        Node ready = node("w1", NodeRole.WORKER, NodeState.READY);
        assertThat(ObjectWrites.nodeRemovalRefusal(ready, List.of(), false))
                .contains("node w1 (host-w1) is not down and can't be removed; use --force (or run 'berth leave' on it first)");
        assertThat(ObjectWrites.nodeRemovalRefusal(ready, List.of(), true)).isEmpty();

        Node down = node("w2", NodeRole.WORKER, NodeState.DOWN);
        assertThat(ObjectWrites.nodeRemovalRefusal(down, List.of(task("w2", TaskState.SHUTDOWN)), false)).isEmpty();
        assertThat(ObjectWrites.nodeRemovalRefusal(down, List.of(task("other", TaskState.RUNNING)), false)).isEmpty();
        assertThat(ObjectWrites.nodeRemovalRefusal(down, List.of(task("w2", TaskState.RUNNING)), false))
                .hasValueSatisfying(r -> assertThat(r).contains("still has 1 task meant to run").endsWith("use --force"));
        assertThat(ObjectWrites.nodeRemovalRefusal(down, List.of(task("w2", TaskState.RUNNING)), true)).isEmpty();
    }

    @Test
    void aReplaceKeepsTheRoleTheNodeJoinedWith() {
        Node stored = node("m1", NodeRole.MANAGER, NodeState.READY);
        Node body = stored.withSpec(new NodeSpec(NodeRole.WORKER, NodeAvailability.DRAIN))
                .withMetadata(stored.metadata().withLabels(Map.of("zone", "b")));
        Node written = (Node) ObjectWrites.forReplace(stored, body);
        assertThat(written.spec()).isEqualTo(new NodeSpec(NodeRole.MANAGER, NodeAvailability.DRAIN));
        assertThat(written.metadata().labels()).containsExactly(Map.entry("zone", "b"));
        assertThat(written.status()).isEqualTo(stored.status());
        // a manifest without role (so: worker) changes nothing of a manager
        Node onlyRole = stored.withSpec(new NodeSpec(NodeRole.WORKER, NodeAvailability.ACTIVE));
        assertThat(ObjectWrites.sameUserContent(stored, onlyRole)).isTrue();
    }
}
