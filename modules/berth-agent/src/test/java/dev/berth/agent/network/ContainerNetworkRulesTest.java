package dev.berth.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Cidr;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerNetworkRulesTest {

    @Test
    void theBridgeNetworkHasTheSubnetItsFirstHostAndDockersMasqueradingOff() {
        ContainerNetworkRules.BridgeSpec spec = ContainerNetworkRules.bridge(ContainerNetwork.Options.DEFAULT,
                Cidr.parse("10.42.3.0/24"));

        assertThat(spec.name()).isEqualTo("berth");
        assertThat(spec.subnet()).isEqualTo("10.42.3.0/24");
        assertThat(spec.gateway()).isEqualTo("10.42.3.1");
        assertThat(spec.options()).isEqualTo(Map.of("com.docker.network.bridge.name", "berth0",
                "com.docker.network.bridge.enable_ip_masquerade", "false"));
        assertThat(spec.labels()).isEqualTo(Map.of("dev.berth.network", "cluster"));
        assertThat(spec.ipRange()).isEqualTo("10.42.3.240/28");
    }

    @Test
    void rendersForwardAcceptsBothWaysAndMasqueradesOnlyWhatLeavesTheClusterRange() {
        String rules = ContainerNetworkRules.render(ContainerNetwork.Options.DEFAULT, Cidr.parse("10.42.0.0/16"),
                Cidr.parse("10.42.3.0/24"));

        assertThat(rules).isEqualTo("""
                *filter
                :BERTHNET-FWD - [0:0]
                -A BERTHNET-FWD -s 10.42.0.0/16 -j ACCEPT
                -A BERTHNET-FWD -d 10.42.0.0/16 -j ACCEPT
                COMMIT
                *nat
                :BERTHNET-MASQ - [0:0]
                -A BERTHNET-MASQ -s 10.42.3.0/24 ! -d 10.42.0.0/16 -j MASQUERADE
                COMMIT
                """);
        assertThat(ContainerNetworkRules.jumps(ContainerNetwork.Options.DEFAULT)).containsExactly(
                new ContainerNetworkRules.Jump("filter", "FORWARD", "BERTHNET-FWD"),
                new ContainerNetworkRules.Jump("nat", "POSTROUTING", "BERTHNET-MASQ"));
    }
}
