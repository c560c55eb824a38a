package dev.berth.manager.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Node;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeState;
import dev.berth.api.NodeStatus;
import dev.berth.api.ObjectMeta;
import dev.berth.manager.dispatcher.LivenessRules.Keep;
import dev.berth.manager.dispatcher.LivenessRules.MarkDown;
import dev.berth.manager.dispatcher.LivenessRules.MarkReady;
import dev.berth.manager.dispatcher.LivenessRules.RecheckAt;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LivenessRulesTest {

    private static final Instant T = Instant.parse("2026-11-28T18:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(15);
    private static final Duration DELAY = Duration.ofSeconds(1);

    private static Node node(NodeState state, String message) {
        return Node.of(ObjectMeta.named("n1"), new NodeSpec(null, null),
                new NodeStatus(state, message, "h", "10.0.0.1", null, "", Optional.empty()));
    }

    @Test
    void anOpenSessionMakesANodeReady() {
        Node down = node(NodeState.DOWN, LivenessRules.SESSION_LOST);
        assertThat(LivenessRules.decide(down, true, false, T, T, GRACE, DELAY)).isEqualTo(new MarkReady());
        assertThat(LivenessRules.decide(node(NodeState.UNKNOWN, ""), true, false, T, T, GRACE, DELAY))
                .isEqualTo(new MarkReady());
        Node ready = node(NodeState.READY, LivenessRules.SESSION_OPEN);
        assertThat(LivenessRules.decide(ready, true, false, T, T, GRACE, DELAY)).isEqualTo(new Keep());
    }

    @Test
    void aSessionSeenEndingMakesTheNodeDownAfterTheShortDelay() {
        Node ready = node(NodeState.READY, LivenessRules.SESSION_OPEN);
        assertThat(LivenessRules.decide(ready, false, true, T, T, GRACE, DELAY))
                .isEqualTo(new RecheckAt(T.plus(DELAY)));
        assertThat(LivenessRules.decide(ready, false, true, T, T.plus(DELAY), GRACE, DELAY)).isEqualTo(new MarkDown());
        // also a node registered through the API, once a session had kept it
        assertThat(LivenessRules.decide(node(NodeState.READY, "registered"), false, true, T, T.plusSeconds(2), GRACE,
                DELAY)).isEqualTo(new MarkDown());
        Node down = node(NodeState.DOWN, LivenessRules.SESSION_LOST);
        assertThat(LivenessRules.decide(down, false, true, T, T, GRACE, DELAY)).isEqualTo(new Keep());
    }

    @Test
    void aMissingSessionNotSeenEndingGetsTheGracePeriod() {
        Node n = node(NodeState.READY, LivenessRules.SESSION_OPEN);
        assertThat(LivenessRules.decide(n, false, false, T, T.plusSeconds(3), GRACE, DELAY))
                .isEqualTo(new RecheckAt(T.plus(GRACE)));
        assertThat(LivenessRules.decide(n, false, false, T, T.plus(GRACE), GRACE, DELAY)).isEqualTo(new MarkDown());
    }

    @Test
    void nodesNeverKeptBySessionsAreLeftAlone() {
        assertThat(LivenessRules.decide(node(NodeState.READY, "registered"), false, false, T, T.plusSeconds(3600),
                GRACE, DELAY)).isEqualTo(new Keep());
    }
}
