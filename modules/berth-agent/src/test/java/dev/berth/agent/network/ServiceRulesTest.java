package dev.berth.agent.network;

import static dev.berth.agent.network.ServiceRulesFixtures.dnsrr;
import static dev.berth.agent.network.ServiceRulesFixtures.hostTcp;
import static dev.berth.agent.network.ServiceRulesFixtures.map;
import static dev.berth.agent.network.ServiceRulesFixtures.notReady;
import static dev.berth.agent.network.ServiceRulesFixtures.ready;
import static dev.berth.agent.network.ServiceRulesFixtures.tcp;
import static dev.berth.agent.network.ServiceRulesFixtures.udp;
import static dev.berth.agent.network.ServiceRulesFixtures.vip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.EndpointAddress;
import dev.berth.api.Protocol;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Golden renderings of {@link ServiceRules}: the exact text fed to iptables-restore. */
class ServiceRulesTest {

    /** Chains every ruleset declares first. */
    private static final String NAT_FIXED_CHAINS = """
            *nat
            :BERTH-SERVICES - [0:0]
            :BERTH-NODEPORTS - [0:0]
            :BERTH-MARK-MASQ - [0:0]
            :BERTH-POSTROUTING - [0:0]
            """;

    /** Rules every ruleset has, after the chain declarations. */
    private static final String NAT_FIXED_RULES = """
            -A BERTH-MARK-MASQ -j MARK --or-mark 0x200000
            -A BERTH-POSTROUTING -m mark ! --mark 0x200000/0x200000 -j RETURN
            -A BERTH-POSTROUTING -j MARK --xor-mark 0x200000
            -A BERTH-POSTROUTING -m comment --comment "masquerade service traffic" -j MASQUERADE
            """;

    /** The jump to the published ports, after the virtual IPs' rules. */
    private static final String TO_NODEPORTS = """
            -A BERTH-SERVICES -m comment --comment "published ports" -m addrtype --dst-type LOCAL -j BERTH-NODEPORTS
            """;

    /** The filter table without rejected virtual IPs. */
    private static final String FILTER_RULES = """
            *filter
            :BERTH-SERVICES - [0:0]
            :BERTH-FORWARD - [0:0]
            :BERTH-FIREWALL - [0:0]
            -A BERTH-FORWARD -m comment --comment "forward service traffic to tasks" \
            -m mark --mark 0x200000/0x200000 -j ACCEPT
            -A BERTH-FORWARD -m comment --comment "forward the rest of service connections" \
            -m conntrack --ctstate RELATED,ESTABLISHED -m conntrack --ctstate DNAT -j ACCEPT
            -A BERTH-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet \
            connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
            """;

    private static final String FILTER = FILTER_RULES + "COMMIT\n";

    @Test
    void anEmptyMapKeepsOnlyTheFixedChains() {
        assertThat(ServiceRules.compute(map(), "node-1").render())
                .isEqualTo(NAT_FIXED_CHAINS + NAT_FIXED_RULES + TO_NODEPORTS + "COMMIT\n" + FILTER);
    }

    @Test
    void aVirtualIpIsBalancedOverReadyTasksOnEveryNode() {
        // Given out of order: tasks are sorted by id, so the text does not depend on it.
        String rules = ServiceRules.compute(map(vip("redis", "10.43.0.2", List.of(tcp(0, 6379)),
                ready("t2", "node-2", "10.42.2.2"), ready("t1", "node-1", "10.42.1.2"))), "node-1").render();

        // One rule for the whole virtual IP (no protocol, no port), and task chains that change
        // the address only: the client's port, whichever it is, reaches the same port of a task.
        assertThat(rules).isEqualTo(NAT_FIXED_CHAINS + """
                :BERTH-SVC-849BBCF8CD80EC80 - [0:0]
                :BERTH-SEP-18D5113AB6519182 - [0:0]
                :BERTH-SEP-DA898AD08D87DD17 - [0:0]
                """ + NAT_FIXED_RULES + """
                -A BERTH-SERVICES -d 10.43.0.2/32 -m comment --comment "redis all ports virtual IP" \
                -j BERTH-SVC-849BBCF8CD80EC80
                """ + TO_NODEPORTS + """
                -A BERTH-SVC-849BBCF8CD80EC80 -m comment --comment "redis all ports" -j BERTH-MARK-MASQ
                -A BERTH-SVC-849BBCF8CD80EC80 -m comment --comment "redis all ports -> t1" \
                -m statistic --mode random --probability 0.5000000000 -j BERTH-SEP-18D5113AB6519182
                -A BERTH-SVC-849BBCF8CD80EC80 -m comment --comment "redis all ports -> t2" \
                -j BERTH-SEP-DA898AD08D87DD17
                -A BERTH-SEP-18D5113AB6519182 -m comment --comment "redis all ports -> t1" \
                -j DNAT --to-destination 10.42.1.2
                -A BERTH-SEP-DA898AD08D87DD17 -m comment --comment "redis all ports -> t2" \
                -j DNAT --to-destination 10.42.2.2
                COMMIT
                """ + FILTER);
    }

    @Test
    void aServiceThatDeclaresNoPortsIsStillReachableThroughItsVirtualIp() {
        // The counter example's redis: no ports at all, yet the web service calls redis:6379.
        ServiceRules rules = ServiceRules.compute(map(vip("redis", "10.43.0.2", List.of(),
                ready("r1", "node-2", "10.42.2.7"))), "node-1");

        assertThat(rules.render()).isEqualTo(NAT_FIXED_CHAINS + """
                :BERTH-SVC-849BBCF8CD80EC80 - [0:0]
                :BERTH-SEP-BAFE608088077497 - [0:0]
                """ + NAT_FIXED_RULES + """
                -A BERTH-SERVICES -d 10.43.0.2/32 -m comment --comment "redis all ports virtual IP" \
                -j BERTH-SVC-849BBCF8CD80EC80
                """ + TO_NODEPORTS + """
                -A BERTH-SVC-849BBCF8CD80EC80 -m comment --comment "redis all ports" -j BERTH-MARK-MASQ
                -A BERTH-SVC-849BBCF8CD80EC80 -m comment --comment "redis all ports -> r1" \
                -j BERTH-SEP-BAFE608088077497
                -A BERTH-SEP-BAFE608088077497 -m comment --comment "redis all ports -> r1" \
                -j DNAT --to-destination 10.42.2.7
                COMMIT
                """ + FILTER);
        assertThat(rules.virtualIpPorts()).singleElement()
                .satisfies(v -> assertThat(v.balancer().allPorts()).isTrue());
        assertThat(rules.nodePorts()).isEmpty();
        // Declaring (without publishing) ports changes nothing: the virtual IP is the same.
        assertThat(ServiceRules.compute(map(vip("redis", "10.43.0.2", List.of(tcp(0, 6379), udp(0, 6379)),
                ready("r1", "node-2", "10.42.2.7"))), "node-1")).isEqualTo(rules);
    }

    @Test
    void oneVirtualIpRuleCarriesTcpAndUdpAlike() {
        // A DNS server: tcp and udp on 53. Neither the virtual IP's rule nor its task chain
        // names a protocol, so both reach the task, each on its own port.
        ServiceRules rules = ServiceRules.compute(map(vip("dns", "10.43.0.9", List.of(udp(0, 53), tcp(0, 53)),
                ready("d1", "node-1", "10.42.1.5"))), "node-1");

        assertThat(rules.render()).isEqualTo(NAT_FIXED_CHAINS + """
                :BERTH-SVC-347082939B245E56 - [0:0]
                :BERTH-SEP-EEE2CF6995FACE4B - [0:0]
                """ + NAT_FIXED_RULES + """
                -A BERTH-SERVICES -d 10.43.0.9/32 -m comment --comment "dns all ports virtual IP" \
                -j BERTH-SVC-347082939B245E56
                """ + TO_NODEPORTS + """
                -A BERTH-SVC-347082939B245E56 -m comment --comment "dns all ports" -j BERTH-MARK-MASQ
                -A BERTH-SVC-347082939B245E56 -m comment --comment "dns all ports -> d1" \
                -j BERTH-SEP-EEE2CF6995FACE4B
                -A BERTH-SEP-EEE2CF6995FACE4B -m comment --comment "dns all ports -> d1" \
                -j DNAT --to-destination 10.42.1.5
                COMMIT
                """ + FILTER);
        assertThat(rules.render().lines().filter(l -> l.contains("10.43.0.9") || l.contains("-j DNAT")))
                .hasSize(2).noneMatch(l -> l.contains(" -p ") || l.contains("--dport"));
        assertThat(rules.localAddresses("node-1")).containsExactly("10.42.1.5");
    }

    @Test
    void aVirtualIpWithoutReadyTasksIsRejectedSoClientsAreRefusedAtOnce() {
        String rules = ServiceRules.compute(map(vip("redis", "10.43.0.2", List.of(tcp(0, 6379)),
                notReady("t1", "node-1", "10.42.1.2"))), "node-1").render();

        // Every port and protocol of the virtual IP, as it would have been forwarded.
        assertThat(rules).isEqualTo(NAT_FIXED_CHAINS + NAT_FIXED_RULES + TO_NODEPORTS + "COMMIT\n" + FILTER_RULES
                + """
                -A BERTH-SERVICES -d 10.43.0.2/32 -m comment --comment "redis all ports has no ready tasks" \
                -j REJECT --reject-with icmp-port-unreachable
                COMMIT
                """);
    }

    @Test
    void anIngressPortAnswersOnThisNodeForTasksOnOtherNodes() {
        ServiceRules rules = ServiceRules.compute(map(vip("web", "10.43.0.3", List.of(tcp(8080, 80)),
                ready("t2", "node-2", "10.42.2.5"), ready("t3", "node-3", "10.42.3.5"))), "node-1");

        // The same tasks behind two balancers: the virtual IP's keeps the port (every port), the
        // published port's rewrites 8080 to the target 80, so each has its own task chains.
        assertThat(rules.render()).isEqualTo(NAT_FIXED_CHAINS + """
                :BERTH-SVC-081A42CAAA96FA57 - [0:0]
                :BERTH-SVC-6D36F84661DD3256 - [0:0]
                :BERTH-SEP-68640DAA431AB517 - [0:0]
                :BERTH-SEP-B4B4E062A8F45A48 - [0:0]
                :BERTH-SEP-0551BED5DB208125 - [0:0]
                :BERTH-SEP-C4F4B83ACA917963 - [0:0]
                """ + NAT_FIXED_RULES + """
                -A BERTH-SERVICES -d 10.43.0.3/32 -m comment --comment "web all ports virtual IP" \
                -j BERTH-SVC-081A42CAAA96FA57
                """ + TO_NODEPORTS + """
                -A BERTH-NODEPORTS -p tcp -m comment --comment "web 8080/tcp published" -m tcp --dport 8080 \
                -j BERTH-SVC-6D36F84661DD3256
                -A BERTH-SVC-081A42CAAA96FA57 -m comment --comment "web all ports" -j BERTH-MARK-MASQ
                -A BERTH-SVC-081A42CAAA96FA57 -m comment --comment "web all ports -> t2" \
                -m statistic --mode random --probability 0.5000000000 -j BERTH-SEP-68640DAA431AB517
                -A BERTH-SVC-081A42CAAA96FA57 -m comment --comment "web all ports -> t3" -j BERTH-SEP-B4B4E062A8F45A48
                -A BERTH-SVC-6D36F84661DD3256 -m comment --comment "web 80/tcp" -j BERTH-MARK-MASQ
                -A BERTH-SVC-6D36F84661DD3256 -m comment --comment "web 80/tcp -> t2" \
                -m statistic --mode random --probability 0.5000000000 -j BERTH-SEP-0551BED5DB208125
                -A BERTH-SVC-6D36F84661DD3256 -m comment --comment "web 80/tcp -> t3" -j BERTH-SEP-C4F4B83ACA917963
                -A BERTH-SEP-68640DAA431AB517 -m comment --comment "web all ports -> t2" \
                -j DNAT --to-destination 10.42.2.5
                -A BERTH-SEP-B4B4E062A8F45A48 -m comment --comment "web all ports -> t3" \
                -j DNAT --to-destination 10.42.3.5
                -A BERTH-SEP-0551BED5DB208125 -p tcp -m comment --comment "web 80/tcp -> t2" -m tcp \
                -j DNAT --to-destination 10.42.2.5:80
                -A BERTH-SEP-C4F4B83ACA917963 -p tcp -m comment --comment "web 80/tcp -> t3" -m tcp \
                -j DNAT --to-destination 10.42.3.5:80
                COMMIT
                """ + FILTER);
        assertThat(rules.owners()).isEqualTo(Map.of(new PublishedPort(8080, Protocol.TCP), "web"));
        assertThat(rules.localAddresses("node-1")).isEmpty();
    }

    @Test
    void aHostModePortGoesOnlyToTheTasksOfThisNode() {
        ServiceRules rules = ServiceRules.compute(map(vip("web", "10.43.0.3", List.of(hostTcp(8080, 80)),
                ready("t1", "node-1", "10.42.1.5"), ready("t2", "node-2", "10.42.2.5"))), "node-1");

        // The virtual IP still reaches both tasks (every port); the published port only t1, on 80.
        assertThat(rules.render()).isEqualTo(NAT_FIXED_CHAINS + """
                :BERTH-SVC-081A42CAAA96FA57 - [0:0]
                :BERTH-SVL-6D36F84661DD3256 - [0:0]
                :BERTH-SEP-853CCF5B554FD487 - [0:0]
                :BERTH-SEP-68640DAA431AB517 - [0:0]
                :BERTH-SEP-EB2CA0B4CA0DD9DB - [0:0]
                """ + NAT_FIXED_RULES + """
                -A BERTH-SERVICES -d 10.43.0.3/32 -m comment --comment "web all ports virtual IP" \
                -j BERTH-SVC-081A42CAAA96FA57
                """ + TO_NODEPORTS + """
                -A BERTH-NODEPORTS -p tcp -m comment --comment "web 8080/tcp published host-mode" -m tcp \
                --dport 8080 -j BERTH-SVL-6D36F84661DD3256
                -A BERTH-SVC-081A42CAAA96FA57 -m comment --comment "web all ports" -j BERTH-MARK-MASQ
                -A BERTH-SVC-081A42CAAA96FA57 -m comment --comment "web all ports -> t1" \
                -m statistic --mode random --probability 0.5000000000 -j BERTH-SEP-853CCF5B554FD487
                -A BERTH-SVC-081A42CAAA96FA57 -m comment --comment "web all ports -> t2" -j BERTH-SEP-68640DAA431AB517
                -A BERTH-SVL-6D36F84661DD3256 -m comment --comment "web 80/tcp on this node" -j BERTH-MARK-MASQ
                -A BERTH-SVL-6D36F84661DD3256 -m comment --comment "web 80/tcp -> t1" -j BERTH-SEP-EB2CA0B4CA0DD9DB
                -A BERTH-SEP-853CCF5B554FD487 -m comment --comment "web all ports -> t1" \
                -j DNAT --to-destination 10.42.1.5
                -A BERTH-SEP-68640DAA431AB517 -m comment --comment "web all ports -> t2" \
                -j DNAT --to-destination 10.42.2.5
                -A BERTH-SEP-EB2CA0B4CA0DD9DB -p tcp -m comment --comment "web 80/tcp -> t1" -m tcp \
                -j DNAT --to-destination 10.42.1.5:80
                COMMIT
                """ + FILTER);
        assertThat(rules.localAddresses("node-1")).containsExactly("10.42.1.5");
    }

    @Test
    void aHostModePortWithoutTasksHereIsNotPublishedHere() {
        var web = vip("web", "10.43.0.3", List.of(hostTcp(8080, 80)), ready("t2", "node-2", "10.42.2.5"));

        for (String node : List.of("node-1", "")) {
            ServiceRules rules = ServiceRules.compute(map(web), node);
            assertThat(rules.nodePorts()).as("on %s", node).isEmpty();
            assertThat(rules.owners()).isEmpty();
            assertThat(rules.render()).doesNotContain("BERTH-SVL-").doesNotContain("--dport 8080");
        }
        assertThat(ServiceRules.compute(map(web), "node-2").owners())
                .isEqualTo(Map.of(new PublishedPort(8080, Protocol.TCP), "web"));
    }

    @Test
    void virtualIpsAreWrittenByServiceNameAndPublishedPortsByProtocolAndPort() {
        String rules = ServiceRules.compute(map(
                vip("web", "10.43.0.3", List.of(tcp(8080, 80)), ready("w1", "node-1", "10.42.1.5")),
                vip("redis", "10.43.0.2", List.of(tcp(0, 6379)), ready("r1", "node-2", "10.42.2.7"))), "node-1")
                .render();

        // The virtual IPs' balancers first (redis before web), then the published port's.
        assertThat(rules).isEqualTo(NAT_FIXED_CHAINS + """
                :BERTH-SVC-849BBCF8CD80EC80 - [0:0]
                :BERTH-SVC-081A42CAAA96FA57 - [0:0]
                :BERTH-SVC-6D36F84661DD3256 - [0:0]
                :BERTH-SEP-BAFE608088077497 - [0:0]
                :BERTH-SEP-09C864D8A2F12B34 - [0:0]
                :BERTH-SEP-2578935E470FE61C - [0:0]
                """ + NAT_FIXED_RULES + """
                -A BERTH-SERVICES -d 10.43.0.2/32 -m comment --comment "redis all ports virtual IP" \
                -j BERTH-SVC-849BBCF8CD80EC80
                -A BERTH-SERVICES -d 10.43.0.3/32 -m comment --comment "web all ports virtual IP" \
                -j BERTH-SVC-081A42CAAA96FA57
                """ + TO_NODEPORTS + """
                -A BERTH-NODEPORTS -p tcp -m comment --comment "web 8080/tcp published" -m tcp --dport 8080 \
                -j BERTH-SVC-6D36F84661DD3256
                -A BERTH-SVC-849BBCF8CD80EC80 -m comment --comment "redis all ports" -j BERTH-MARK-MASQ
                -A BERTH-SVC-849BBCF8CD80EC80 -m comment --comment "redis all ports -> r1" -j BERTH-SEP-BAFE608088077497
                -A BERTH-SVC-081A42CAAA96FA57 -m comment --comment "web all ports" -j BERTH-MARK-MASQ
                -A BERTH-SVC-081A42CAAA96FA57 -m comment --comment "web all ports -> w1" -j BERTH-SEP-09C864D8A2F12B34
                -A BERTH-SVC-6D36F84661DD3256 -m comment --comment "web 80/tcp" -j BERTH-MARK-MASQ
                -A BERTH-SVC-6D36F84661DD3256 -m comment --comment "web 80/tcp -> w1" -j BERTH-SEP-2578935E470FE61C
                -A BERTH-SEP-BAFE608088077497 -m comment --comment "redis all ports -> r1" \
                -j DNAT --to-destination 10.42.2.7
                -A BERTH-SEP-09C864D8A2F12B34 -m comment --comment "web all ports -> w1" \
                -j DNAT --to-destination 10.42.1.5
                -A BERTH-SEP-2578935E470FE61C -p tcp -m comment --comment "web 80/tcp -> w1" -m tcp \
                -j DNAT --to-destination 10.42.1.5:80
                COMMIT
                """ + FILTER);
    }

    @Test
    void aDnsrrServiceHasNoVirtualIpButItsPublishedPortStillMeshes() {
        String rules = ServiceRules.compute(map(dnsrr("db", List.of(tcp(5432, 5432)),
                ready("d1", "node-2", "10.42.2.9"))), "node-1").render();

        assertThat(rules).isEqualTo(NAT_FIXED_CHAINS + """
                :BERTH-SVC-FB8BC7473333B730 - [0:0]
                :BERTH-SEP-A7FDB6E592C0D8CC - [0:0]
                """ + NAT_FIXED_RULES + TO_NODEPORTS + """
                -A BERTH-NODEPORTS -p tcp -m comment --comment "db 5432/tcp published" -m tcp --dport 5432 \
                -j BERTH-SVC-FB8BC7473333B730
                -A BERTH-SVC-FB8BC7473333B730 -m comment --comment "db 5432/tcp" -j BERTH-MARK-MASQ
                -A BERTH-SVC-FB8BC7473333B730 -m comment --comment "db 5432/tcp -> d1" -j BERTH-SEP-A7FDB6E592C0D8CC
                -A BERTH-SEP-A7FDB6E592C0D8CC -p tcp -m comment --comment "db 5432/tcp -> d1" -m tcp \
                -j DNAT --to-destination 10.42.2.9:5432
                COMMIT
                """ + FILTER);
    }

    @Test
    void tcpAndUdpOfOnePublishedPortAreSeparateAndStaleChainsAreDeletedInTheSameTransaction() {
        String rules = ServiceRules.compute(map(vip("dns", "10.43.0.9", List.of(udp(53, 5353), tcp(53, 5353)),
                ready("d1", "node-1", "10.42.1.5"))), "node-1")
                .render(Set.of("PREROUTING", "DOCKER", "BERTH-SERVICES", "BERTH-SVC-0123456789ABCDEF",
                        "BERTH-SEP-0123456789ABCDEF"));

        List<String> lines = rules.lines().toList();
        // One virtual IP rule for both protocols; a published-port rule each, tcp before udp.
        assertThat(lines).filteredOn(l -> l.startsWith("-A BERTH-SERVICES -d") || l.startsWith("-A BERTH-NODEPORTS"))
                .extracting(l -> l.replaceAll(".*--comment \"([^\"]*)\".*", "$1"))
                .containsExactly("dns all ports virtual IP", "dns 53/tcp published", "dns 53/udp published");
        assertThat(lines).filteredOn(l -> l.contains("-j DNAT"))
                .extracting(l -> l.replaceAll("BERTH-SEP-[0-9A-F]{16}", "BERTH-SEP-*"))
                .containsExactly(
                        "-A BERTH-SEP-* -m comment --comment \"dns all ports -> d1\""
                                + " -j DNAT --to-destination 10.42.1.5",
                        "-A BERTH-SEP-* -p tcp -m comment --comment \"dns 5353/tcp -> d1\" -m tcp"
                                + " -j DNAT --to-destination 10.42.1.5:5353",
                        "-A BERTH-SEP-* -p udp -m comment --comment \"dns 5353/udp -> d1\" -m udp"
                                + " -j DNAT --to-destination 10.42.1.5:5353");
        // Chains not ours (DOCKER) are never named; stale ones of ours are emptied and deleted.
        assertThat(rules).doesNotContain("DOCKER").doesNotContain("PREROUTING")
                .contains(":BERTH-SVC-0123456789ABCDEF - [0:0]\n")
                .contains("-X BERTH-SEP-0123456789ABCDEF\n-X BERTH-SVC-0123456789ABCDEF\nCOMMIT\n*filter\n")
                .doesNotContain("-X BERTH-SERVICES");
    }

    @Test
    void onlyReadyIpv4TasksReceiveTrafficAndAServiceHasOneVirtualIpBalancer() {
        ServiceRules rules = ServiceRules.compute(map(vip("web", "10.43.0.3",
                List.of(tcp(8080, 80), tcp(8081, 80)),
                ready("t1", "node-1", "10.42.1.5"), notReady("t2", "node-1", "10.42.1.6"),
                ready("t3", "node-2", "fd00::3"), ready("t4", "node-2", ""),
                new EndpointAddress("10.42.2.8", "", "node-2", true))), "node-1");

        assertThat(rules.virtualIpPorts()).singleElement().satisfies(v -> {
            assertThat(v.balancer().allPorts()).isTrue();
            assertThat(v.balancer().chain()).isEqualTo("BERTH-SVC-081A42CAAA96FA57");
            assertThat(v.balancer().backends()).extracting(ServiceRules.Backend::taskId).containsExactly("t1");
        });
        // Both published ports lead to the one balancer of target 80, not the virtual IP's.
        assertThat(rules.nodePorts()).extracting(np -> np.port().port() + " " + np.balancer().chain())
                .containsExactly("8080 BERTH-SVC-6D36F84661DD3256", "8081 BERTH-SVC-6D36F84661DD3256");
        assertThat(rules.nodePorts().get(0).balancer().backends()).extracting(ServiceRules.Backend::taskId)
                .containsExactly("t1");
    }

    @Test
    void aVirtualIpNotYetGivenHasNoRules() {
        String rules = ServiceRules.compute(map(vip("web", "", List.of(tcp(0, 80)),
                ready("t1", "node-1", "10.42.1.5"))), "node-1").render();

        assertThat(rules).isEqualTo(NAT_FIXED_CHAINS + NAT_FIXED_RULES + TO_NODEPORTS + "COMMIT\n" + FILTER);
    }

    @Test
    void probabilitiesFollowKubeProxy() {
        // Row i of n is taken with 1/(n-i); the last row has no statistic match.
        assertThat(List.of(5, 4, 3, 2).stream().map(ServiceRules::probability).toList())
                .containsExactly("0.2000000000", "0.2500000000", "0.3333333333", "0.5000000000");
        List<String> lines = ServiceRules.compute(map(vip("s", "10.43.0.2", List.of(tcp(0, 1)),
                ready("t1", "n", "10.0.0.1"), ready("t2", "n", "10.0.0.2"), ready("t3", "n", "10.0.0.3"),
                ready("t4", "n", "10.0.0.4"), ready("t5", "n", "10.0.0.5"))), "n").render().lines()
                .filter(l -> l.startsWith("-A BERTH-SVC-") && l.contains("-> t"))
                .map(l -> l.replaceAll(".*-> (t\\d)\"( -m statistic --mode random --probability (\\S+))?.*",
                        "$1 $3").strip())
                .toList();
        assertThat(lines).containsExactly("t1 0.2000000000", "t2 0.2500000000", "t3 0.3333333333",
                "t4 0.5000000000", "t5");
    }

    @Test
    void chainNamesAreStableAndANewTargetPortGetsNewPublishedPortChainsOnly() {
        ServiceRules before = ServiceRules.compute(map(vip("web", "10.43.0.3", List.of(tcp(80, 80)),
                ready("t1", "node-1", "10.42.1.5"))), "node-1");
        ServiceRules again = ServiceRules.compute(map(vip("web", "10.43.0.3", List.of(tcp(80, 80)),
                ready("t1", "node-1", "10.42.1.5"), ready("t2", "node-2", "10.42.2.5"))), "node-1");
        ServiceRules after = ServiceRules.compute(map(vip("web", "10.43.0.3", List.of(tcp(80, 8080)),
                ready("t1", "node-1", "10.42.1.5"))), "node-1");

        assertThat(again.natChains()).containsAll(before.natChains());
        Set<String> virtualIp = chainsOf(before.virtualIpPorts().get(0).balancer());
        Set<String> published = chainsOf(before.nodePorts().get(0).balancer());
        assertThat(virtualIp).hasSize(2).doesNotContainAnyElementsOf(published);
        assertThat(published).hasSize(2);
        // The virtual IP's chains do not depend on any port; the published port's do.
        assertThat(after.natChains()).containsAll(virtualIp).doesNotContainAnyElementsOf(published);
        assertThat(chainsOf(after.nodePorts().get(0).balancer())).hasSize(2);
        assertThat(after.natChains()).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(28));
    }

    /** A balancer's chain and its tasks' chains. */
    private static Set<String> chainsOf(ServiceRules.Balancer balancer) {
        Set<String> chains = new LinkedHashSet<>();
        chains.add(balancer.chain());
        balancer.backends().forEach(b -> chains.add(b.chain()));
        return chains;
    }

    @Test
    void aPortClaimedByTwoServicesGoesToTheFirstAndIsReported() {
        ServiceRules rules = ServiceRules.compute(map(
                vip("beta", "10.43.0.3", List.of(tcp(8080, 80)), ready("b1", "node-1", "10.42.1.3")),
                vip("alpha", "10.43.0.2", List.of(tcp(8080, 80)), ready("a1", "node-1", "10.42.1.2"))), "node-1");

        assertThat(rules.owners()).isEqualTo(Map.of(new PublishedPort(8080, Protocol.TCP), "alpha"));
        assertThat(rules.conflicts()).containsExactly(
                "port 8080/tcp is published by services alpha, beta; only alpha receives its traffic");
        // Each keeps its virtual IP.
        assertThat(rules.virtualIpPorts()).extracting(ServiceRules.VirtualIpPort::virtualIp)
                .containsExactly("10.43.0.2", "10.43.0.3");
    }

    @Test
    void removalDeletesOnlyOurChainsInBothTables() {
        assertThat(ServiceRules.renderRemoval(ServiceRules.Options.DEFAULT,
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
        assertThat(ServiceRules.renderRemoval(ServiceRules.Options.DEFAULT, Set.of("DOCKER"), Set.of())).isEmpty();
    }

    @Test
    void natJumpsMatchEveryDestinationAndRejectsOnlyNewConnections() {
        assertThat(ServiceRules.jumps(ServiceRules.Options.DEFAULT))
                .extracting(j -> j.table() + " " + j.chain() + " " + String.join(" ", j.spec()))
                .containsExactly(
                        "nat PREROUTING -m comment --comment berth service portals -j BERTH-SERVICES",
                        "nat OUTPUT -m comment --comment berth service portals -j BERTH-SERVICES",
                        "nat POSTROUTING -m comment --comment berth service traffic -j BERTH-POSTROUTING",
                        "filter FORWARD -m conntrack --ctstate NEW -m comment --comment berth services without tasks"
                                + " -j BERTH-SERVICES",
                        "filter OUTPUT -m conntrack --ctstate NEW -m comment --comment berth services without tasks"
                                + " -j BERTH-SERVICES",
                        "filter FORWARD -m comment --comment berth service traffic -j BERTH-FORWARD",
                        "filter INPUT -m comment --comment berth localnet guard -j BERTH-FIREWALL");
    }

    @Test
    void optionsRejectNamesIptablesWouldRefuse() {
        assertThatThrownBy(() -> new ServiceRules.Options("BERTHTEST", 0x200000))
                .hasMessageContaining("1 to 7 upper-case");
        assertThatThrownBy(() -> new ServiceRules.Options("BERTH", 0x3)).hasMessageContaining("single bit");
    }
}
