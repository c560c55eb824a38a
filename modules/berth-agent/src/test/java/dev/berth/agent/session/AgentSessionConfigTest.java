package dev.berth.agent.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.session.SessionMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentSessionConfigTest {

    private static final SessionMessage.Hello HELLO = new SessionMessage.Hello("", "h", "127.0.0.1", "worker", null,
            "", null);

    @Test
    void addressesAreHostAndPort() {
        assertThat(ManagerAddress.parse("10.0.0.1:4243")).isEqualTo(new ManagerAddress("10.0.0.1", 4243));
        assertThat(ManagerAddress.parse("[::1]:4243")).isEqualTo(new ManagerAddress("::1", 4243));
        assertThat(ManagerAddress.parse("[::1]:4243").toString()).isEqualTo("[::1]:4243");
        assertThatThrownBy(() -> ManagerAddress.parse("10.0.0.1")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> ManagerAddress.parse("h:0")).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> AgentSessionConfig.of(List.of("nope"), Path.of("/tmp"), () -> HELLO))
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> AgentSessionConfig.of(List.of(), Path.of("/tmp"), () -> HELLO))
                .hasMessageContaining("at least one manager");
    }

    @Test
    void defaultsAndBackoffBounds() {
        AgentSessionConfig c = AgentSessionConfig.of(List.of("m:1"), Path.of("/var/lib/berth"), () -> HELLO);
        assertThat(c.minBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.nodeIdFile()).isEqualTo(Path.of("/var/lib/berth/agent-node-id"));
        assertThatThrownBy(() -> c.withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("min <= max");
    }

    @Test
    void theNodeIdFileRoundTrips(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub").resolve(AgentSessionConfig.NODE_ID_FILE);
        assertThat(AgentSession.readNodeId(file)).isEmpty();
        AgentSession.writeNodeId(file, "abc123");
        assertThat(AgentSession.readNodeId(file)).contains("abc123");
    }
}
