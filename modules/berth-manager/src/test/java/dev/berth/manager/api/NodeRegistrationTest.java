package dev.berth.manager.api;

import dev.berth.api.Ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.ByteSize;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeState;
import dev.berth.api.codec.DecodeException;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeRegistrationTest {

    private static final Instant NOW = Instant.parse("2026-11-28T17:00:00Z");

    @Test
    void decodesTheDocumentedBody() {
        NodeRegistration r = ApiOperations.decodeRegistration("""
                {"hostname":"w1","address":"10.0.0.2","role":"manager","cpus":2.5,"memory":"1Gi",
                 "engineVersion":"20.10","labels":{"zone":"a"}}""", "application/json");
        assertThat(r).isEqualTo(new NodeRegistration("", "w1", "10.0.0.2", NodeRole.MANAGER, 2.5,
                ByteSize.parse("1Gi"), "20.10", Map.of("zone", "a")));
    }

    @Test
    void unknownFieldsAndRolesAreRejected() {
        assertThatThrownBy(() -> ApiOperations.decodeRegistration("{\"hostnam\":\"w\"}", "application/json"))
                .isInstanceOf(DecodeException.class).hasMessageContaining("hostnam");
        assertThatThrownBy(() -> ApiOperations.decodeRegistration("{\"role\":\"boss\"}", "application/json"))
                .isInstanceOf(DecodeException.class).hasMessageContaining("role");
    }

    @Test
    void aNewNodeIsReadyWithWhatItReported() {
        NodeRegistration r = new NodeRegistration(null, "w1", "10.0.0.2", null, 4, ByteSize.parse("2Gi"), "20.10",
                Map.of("zone", "a"));
        Node n = r.newNode("abc", "uid-1", NOW);
        assertThat(n.id()).isEqualTo("abc");
        assertThat(n.metadata().uid()).isEqualTo("uid-1");
        assertThat(n.metadata().labels()).containsEntry("zone", "a");
        assertThat(n.spec().role()).isEqualTo(NodeRole.WORKER);
        assertThat(n.status().state()).isEqualTo(NodeState.READY);
        assertThat(n.status().resources().cpus()).isEqualTo(4);
        assertThat(n.status().lastHeartbeat()).contains(NOW);
    }

    @Test
    void registeringAgainRefreshesOnlyTheStatus() {
        Node stored = new NodeRegistration("abc", "old", "10.0.0.1", NodeRole.WORKER, 1, null, "", Map.of("zone", "a"))
                .newNode("abc", "uid-1", NOW).withSpec(new NodeSpec(NodeRole.WORKER, NodeAvailability.DRAIN));
        Node again = new NodeRegistration("abc", "new", "10.0.0.9", NodeRole.MANAGER, 8, null, "", Map.of())
                .refresh(stored, NOW.plusSeconds(60));
        assertThat(again.spec()).as("the operator's spec stays").isEqualTo(stored.spec());
        assertThat(again.metadata()).isEqualTo(stored.metadata());
        assertThat(again.status().hostname()).isEqualTo("new");
        assertThat(again.status().address()).isEqualTo("10.0.0.9");
        assertThat(again.status().lastHeartbeat()).contains(NOW.plusSeconds(60));
    }

    @Test
    void nodeIdsAre25LowerCaseAlphanumerics() {
        assertThat(Ids.random()).matches("[a-z0-9]{25}");
        assertThat(Ids.random(new Random(1))).isEqualTo(Ids.random(new Random(1)));
        assertThat(Ids.random()).isNotEqualTo(Ids.random());
    }

    @Test
    void jsonContentTypeRequiresJson() {
        assertThatThrownBy(() -> Bodies.readDocuments("kind: Service", "application/json"))
                .isInstanceOf(DecodeException.class).hasMessageContaining("malformed JSON");
        assertThat(Bodies.readDocuments("a: 1\n---\nb: 2\n", "application/yaml")).hasSize(2);
    }
}
