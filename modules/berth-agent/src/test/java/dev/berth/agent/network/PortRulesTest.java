package dev.berth.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.PortConfig;
import dev.berth.api.Protocol;
import dev.berth.api.PublishMode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Golden renderings of {@link PortRules}: the exact text fed to iptables-restore. */
class PortRulesTest {

    /** Chains every ruleset declares first. */
    private static final String NAT_FIXED_CHAINS = """
            *nat
            :BERTH-SERVICES - [0:0]
            :BERTH-MARK-MASQ - [0:0]
            :BERTH-POSTROUTING - [0:0]
            """;

    /** Rules every ruleset has, after the chain declarations. */
    private static final String NAT_FIXED_RULES = """
            -A BERTH-MARK-MASQ -j MARK --or-mark 0x200000
            -A BERTH-POSTROUTING -m mark ! --mark 0x200000/0x200000 -j RETURN
            -A BERTH-POSTROUTING -j MARK --xor-mark 0x200000
            -A BERTH-POSTROUTING -m comment --comment "masquerade published-port traffic" -j MASQUERADE
            """;

    private static final String FILTER = """
            *filter
            :BERTH-FORWARD - [0:0]
            :BERTH-FIREWALL - [0:0]
            -A BERTH-FORWARD -m comment --comment "forward published-port traffic to tasks" \
            -m mark --mark 0x200000/0x200000 -j ACCEPT
            -A BERTH-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet \
            connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
            COMMIT
            """;

    static PortConfig tcp(int published, int target) {
        return new PortConfig(published, target, Protocol.TCP, PublishMode.INGRESS);
    }

    static PortConfig udp(int published, int target) {
        return new PortConfig(published, target, Protocol.UDP, PublishMode.INGRESS);
    }

    static LocalEndpoint ep(String task, String service, String ip, PortConfig... ports) {
        return new LocalEndpoint(task, service, List.of(ports), ip);
    }

    @Test
    void noEndpointsKeepsOnlyTheFixedChainsSoThePortRefusesConnections() {
        assertThat(PortRules.compute(List.of()).render())
                .isEqualTo(NAT_FIXED_CHAINS + NAT_FIXED_RULES + "COMMIT\n" + FILTER);
    }

    @Test
    void oneEndpointIsJumpedToWithoutStatistic() {
        String rules = PortRules.compute(List.of(ep("t1", "whoami", "172.17.0.2", tcp(4567, 4567)))).render();

        assertThat(rules).isEqualTo(NAT_FIXED_CHAINS + """
                :BERTH-SVC-4300D0294EAB2EA7 - [0:0]
                :BERTH-SEP-4B0C52A76C007B82 - [0:0]
                """ + NAT_FIXED_RULES + """
                -A BERTH-SERVICES -p tcp -m comment --comment "whoami 4567/tcp" -m tcp --dport 4567 \
                -j BERTH-SVC-4300D0294EAB2EA7
                -A BERTH-SVC-4300D0294EAB2EA7 -m comment --comment "whoami 4567/tcp" -j BERTH-MARK-MASQ
                -A BERTH-SVC-4300D0294EAB2EA7 -m comment --comment "whoami 4567/tcp -> t1" \
                -j BERTH-SEP-4B0C52A76C007B82
                -A BERTH-SEP-4B0C52A76C007B82 -p tcp -m comment --comment "whoami 4567/tcp -> t1" -m tcp \
                -j DNAT --to-destination 172.17.0.2:4567
                COMMIT
                """ + FILTER);
    }

    @Test
    void threeEndpointsAreBalancedWithProbabilitiesOneThirdOneHalfThenTheRest() {
        // Given out of order: endpoints are sorted by task id, so the text does not depend on it.
        String rules = PortRules.compute(List.of(
                ep("t3", "whoami", "172.17.0.4", tcp(4567, 4567)),
                ep("t1", "whoami", "172.17.0.2", tcp(4567, 4567)),
                ep("t2", "whoami", "172.17.0.3", tcp(4567, 4567)))).render();

        assertThat(rules).isEqualTo(NAT_FIXED_CHAINS + """
                :BERTH-SVC-4300D0294EAB2EA7 - [0:0]
                :BERTH-SEP-4B0C52A76C007B82 - [0:0]
                :BERTH-SEP-47B85914CBB85939 - [0:0]
                :BERTH-SEP-ADB99AAF1565FEAB - [0:0]
                """ + NAT_FIXED_RULES + """
                -A BERTH-SERVICES -p tcp -m comment --comment "whoami 4567/tcp" -m tcp --dport 4567 \
                -j BERTH-SVC-4300D0294EAB2EA7
                -A BERTH-SVC-4300D0294EAB2EA7 -m comment --comment "whoami 4567/tcp" -j BERTH-MARK-MASQ
                -A BERTH-SVC-4300D0294EAB2EA7 -m comment --comment "whoami 4567/tcp -> t1" \
                -m statistic --mode random --probability 0.3333333333 -j BERTH-SEP-4B0C52A76C007B82
                -A BERTH-SVC-4300D0294EAB2EA7 -m comment --comment "whoami 4567/tcp -> t2" \
                -m statistic --mode random --probability 0.5000000000 -j BERTH-SEP-47B85914CBB85939
                -A BERTH-SVC-4300D0294EAB2EA7 -m comment --comment "whoami 4567/tcp -> t3" \
                -j BERTH-SEP-ADB99AAF1565FEAB
                -A BERTH-SEP-4B0C52A76C007B82 -p tcp -m comment --comment "whoami 4567/tcp -> t1" -m tcp \
                -j DNAT --to-destination 172.17.0.2:4567
                -A BERTH-SEP-47B85914CBB85939 -p tcp -m comment --comment "whoami 4567/tcp -> t2" -m tcp \
                -j DNAT --to-destination 172.17.0.3:4567
                -A BERTH-SEP-ADB99AAF1565FEAB -p tcp -m comment --comment "whoami 4567/tcp -> t3" -m tcp \
                -j DNAT --to-destination 172.17.0.4:4567
                COMMIT
                """ + FILTER);
    }

    @Test
    void twoServicesWithTcpAndUdpAndStaleChainsDeletedInTheSameTransaction() {
        String rules = PortRules.compute(List.of(
                ep("a1", "web", "172.17.0.2", tcp(80, 8080)),
                ep("d1", "dns", "172.17.0.5", udp(53, 5353), tcp(53, 5353)),
                ep("a2", "web", "172.17.0.3", tcp(80, 8080))))
                .render(Set.of("PREROUTING", "DOCKER", "BERTH-SERVICES",
                        "BERTH-SVC-0123456789ABCDEF", "BERTH-SEP-0123456789ABCDEF"));

        // tcp before udp, then by port; chains not ours (DOCKER) are never named.
        assertThat(rules).isEqualTo(NAT_FIXED_CHAINS + """
                :BERTH-SVC-6B78D193072AC6D6 - [0:0]
                :BERTH-SEP-B382994A30F5CB6E - [0:0]
                :BERTH-SVC-6D36F84661DD3256 - [0:0]
                :BERTH-SEP-1EEA9D5F6705E0EC - [0:0]
                :BERTH-SEP-E63C73F3B37F516E - [0:0]
                :BERTH-SVC-48BEECBCD6B6D362 - [0:0]
                :BERTH-SEP-09EDEA958104A1EC - [0:0]
                :BERTH-SEP-0123456789ABCDEF - [0:0]
                :BERTH-SVC-0123456789ABCDEF - [0:0]
                """ + NAT_FIXED_RULES + """
                -A BERTH-SERVICES -p tcp -m comment --comment "dns 53/tcp" -m tcp --dport 53 \
                -j BERTH-SVC-6B78D193072AC6D6
                -A BERTH-SVC-6B78D193072AC6D6 -m comment --comment "dns 53/tcp" -j BERTH-MARK-MASQ
                -A BERTH-SVC-6B78D193072AC6D6 -m comment --comment "dns 53/tcp -> d1" -j BERTH-SEP-B382994A30F5CB6E
                -A BERTH-SEP-B382994A30F5CB6E -p tcp -m comment --comment "dns 53/tcp -> d1" -m tcp \
                -j DNAT --to-destination 172.17.0.5:5353
                -A BERTH-SERVICES -p tcp -m comment --comment "web 80/tcp" -m tcp --dport 80 \
                -j BERTH-SVC-6D36F84661DD3256
                -A BERTH-SVC-6D36F84661DD3256 -m comment --comment "web 80/tcp" -j BERTH-MARK-MASQ
                -A BERTH-SVC-6D36F84661DD3256 -m comment --comment "web 80/tcp -> a1" \
                -m statistic --mode random --probability 0.5000000000 -j BERTH-SEP-1EEA9D5F6705E0EC
                -A BERTH-SVC-6D36F84661DD3256 -m comment --comment "web 80/tcp -> a2" -j BERTH-SEP-E63C73F3B37F516E
                -A BERTH-SEP-1EEA9D5F6705E0EC -p tcp -m comment --comment "web 80/tcp -> a1" -m tcp \
                -j DNAT --to-destination 172.17.0.2:8080
                -A BERTH-SEP-E63C73F3B37F516E -p tcp -m comment --comment "web 80/tcp -> a2" -m tcp \
                -j DNAT --to-destination 172.17.0.3:8080
                -A BERTH-SERVICES -p udp -m comment --comment "dns 53/udp" -m udp --dport 53 \
                -j BERTH-SVC-48BEECBCD6B6D362
                -A BERTH-SVC-48BEECBCD6B6D362 -m comment --comment "dns 53/udp" -j BERTH-MARK-MASQ
                -A BERTH-SVC-48BEECBCD6B6D362 -m comment --comment "dns 53/udp -> d1" -j BERTH-SEP-09EDEA958104A1EC
                -A BERTH-SEP-09EDEA958104A1EC -p udp -m comment --comment "dns 53/udp -> d1" -m udp \
                -j DNAT --to-destination 172.17.0.5:5353
                -X BERTH-SEP-0123456789ABCDEF
                -X BERTH-SVC-0123456789ABCDEF
                COMMIT
                """ + FILTER);
    }

    @Test
    void probabilitiesFollowKubeProxy() {
        // Row i of n is taken with 1/(n-i); the last row has no statistic match.
        assertThat(List.of(5, 4, 3, 2).stream().map(PortRules::probability).toList())
                .containsExactly("0.2000000000", "0.2500000000", "0.3333333333", "0.5000000000");
        List<String> lines = PortRules.compute(List.of(
                ep("t1", "s", "10.0.0.1", tcp(1, 1)), ep("t2", "s", "10.0.0.2", tcp(1, 1)),
                ep("t3", "s", "10.0.0.3", tcp(1, 1)), ep("t4", "s", "10.0.0.4", tcp(1, 1)),
                ep("t5", "s", "10.0.0.5", tcp(1, 1)))).render().lines()
                .filter(l -> l.startsWith("-A BERTH-SVC-") && l.contains("-> t"))
                .map(l -> l.replaceAll(".*-> (t\\d)\"( -m statistic --mode random --probability (\\S+))?.*",
                        "$1 $3").strip())
                .toList();
        assertThat(lines).containsExactly("t1 0.2000000000", "t2 0.2500000000", "t3 0.3333333333",
                "t4 0.5000000000", "t5");
    }

    @Test
    void chainNamesAreStableAndNewTargetPortsGetNewEndpointChains() {
        PortRules before = PortRules.compute(List.of(ep("t1", "web", "172.17.0.2", tcp(80, 80))));
        PortRules after = PortRules.compute(List.of(ep("t1", "web", "172.17.0.2", tcp(80, 8080))));

        assertThat(before.servicePorts().get(0).chain()).isEqualTo(after.servicePorts().get(0).chain());
        assertThat(before.servicePorts().get(0).backends().get(0).chain())
                .isNotEqualTo(after.servicePorts().get(0).backends().get(0).chain());
        assertThat(after.natChains()).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(28));
    }

    @Test
    void aPortClaimedByTwoServicesGoesToTheFirstAndIsReported() {
        PortRules rules = PortRules.compute(List.of(
                ep("b1", "beta", "172.17.0.3", tcp(8080, 80)),
                ep("a1", "alpha", "172.17.0.2", tcp(8080, 80))));

        assertThat(rules.owners()).isEqualTo(Map.of(new PublishedPort(8080, Protocol.TCP), "alpha"));
        assertThat(rules.servicePorts().get(0).backends()).extracting(PortRules.Backend::taskId)
                .containsExactly("a1");
        assertThat(rules.conflicts()).containsExactly(
                "port 8080/tcp is published by services alpha, beta on this node; only alpha receives its traffic");
    }

    @Test
    void removalDeletesOnlyOurChainsInBothTables() {
        assertThat(PortRules.renderRemoval(PortRules.Options.DEFAULT,
                Set.of("DOCKER", "BERTH-SERVICES", "BERTH-SVC-X"), Set.of("DOCKER-USER", "BERTH-FORWARD")))
                .isEqualTo("""
                        *nat
                        :BERTH-SERVICES - [0:0]
                        :BERTH-SVC-X - [0:0]
                        -X BERTH-SERVICES
                        -X BERTH-SVC-X
                        COMMIT
                        *filter
                        :BERTH-FORWARD - [0:0]
                        -X BERTH-FORWARD
                        COMMIT
                        """);
        assertThat(PortRules.renderRemoval(PortRules.Options.DEFAULT, Set.of("DOCKER"), Set.of())).isEmpty();
    }

    @Test
    void jumpsComeFromPreroutingAndOutputForLocalAddressesOnly() {
        assertThat(PortRules.jumps(PortRules.Options.DEFAULT))
                .extracting(j -> j.table() + " " + j.chain() + " " + String.join(" ", j.spec()))
                .containsExactly(
                        "nat PREROUTING -m comment --comment berth published ports -m addrtype --dst-type LOCAL"
                                + " -j BERTH-SERVICES",
                        "nat OUTPUT -m comment --comment berth published ports -m addrtype --dst-type LOCAL"
                                + " -j BERTH-SERVICES",
                        "nat POSTROUTING -m comment --comment berth published ports -j BERTH-POSTROUTING",
                        "filter FORWARD -m comment --comment berth published ports -j BERTH-FORWARD",
                        "filter INPUT -m comment --comment berth localnet guard -j BERTH-FIREWALL");
    }

    @Test
    void endpointsNeedAnIpv4Address() {
        assertThatThrownBy(() -> ep("t1", "web", "fd00::2", tcp(80, 80)))
                .hasMessage("task t1: container address must be IPv4, got fd00::2");
        assertThatThrownBy(() -> ep("t1", "web", "172.17.0.256", tcp(80, 80))).isInstanceOf(
                IllegalArgumentException.class);
        assertThat(ep("t1", "web", "172.17.0.255", tcp(80, 80)).ip()).isEqualTo("172.17.0.255");
    }

    @Test
    void optionsRejectNamesIptablesWouldRefuse() {
        assertThatThrownBy(() -> new PortRules.Options("BERTHTEST", 0x200000))
                .hasMessageContaining("1 to 7 upper-case");
        assertThatThrownBy(() -> new PortRules.Options("BERTH", 0x3)).hasMessageContaining("single bit");
    }
}
