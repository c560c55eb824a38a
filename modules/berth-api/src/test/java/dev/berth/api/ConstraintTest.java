package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConstraintTest {

    private static final Node NODE = Node.of(ObjectMeta.named("n1"),
            new NodeSpec(NodeRole.WORKER, NodeAvailability.ACTIVE),
            new NodeStatus(NodeState.READY, "", "host-1", "10.0.0.1", null, "", null));

    @Test
    void everyNodeRunsLinux() {
        assertThat(Constraint.parse("node.platform.os == linux").matches(NODE)).isTrue();
        assertThat(Constraint.parse("node.platform.os != linux").matches(NODE)).isFalse();
        assertThat(Constraint.parse("node.platform.os == windows").matches(NODE)).isFalse();
    }

    @Test
    void anUnknownAttributeListsTheKnownOnes() {
        assertThatThrownBy(() -> Constraint.parse("node.platform.arch == x86_64"))
                .hasMessageContaining("node.platform.os").hasMessageContaining("node.labels.<key>");
    }
}
