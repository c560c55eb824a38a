package dev.berth.cli.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentNetworkFlagsTest {

    @Test
    void upstreamsTakePort53UnlessGiven() {
        assertThat(AgentNetworkFlags.parse(List.of("10.99.0.1", "10.99.0.1:5300", "[::1]:5353", "::1")))
                .containsExactly(new InetSocketAddress("10.99.0.1", 53), new InetSocketAddress("10.99.0.1", 5300),
                        new InetSocketAddress("::1", 5353), new InetSocketAddress("::1", 53));
    }

    @Test
    void aBadUpstreamNamesTheFlag() {
        for (String bad : new String[] {"10.0.0.1:0", "10.0.0.1:x", ":53", "10.0.0.1:70000"}) {
            assertThatThrownBy(() -> AgentNetworkFlags.parse(List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--dns-upstream \"" + bad + "\"");
        }
    }
}
