package dev.berth.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import static dev.berth.agent.network.ServiceRulesFixtures.hostTcp;
import static dev.berth.agent.network.ServiceRulesFixtures.map;
import static dev.berth.agent.network.ServiceRulesFixtures.ready;
import static dev.berth.agent.network.ServiceRulesFixtures.tcp;
import static dev.berth.agent.network.ServiceRulesFixtures.vip;

import dev.berth.api.Protocol;
import dev.berth.api.session.SessionMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publisher's sequence of commands, against a fake iptables (the process boundary). */
class IptablesPortPublisherTest {

    /** A fake iptables keeping the chains and jump rules it was given. */
    static final class FakeIptables implements CommandRunner {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final List<String> restores = Collections.synchronizedList(new ArrayList<>());
        final Set<String> jumps = Collections.synchronizedSet(new java.util.HashSet<>());
        volatile String natSave = ":PREROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n";
        volatile int restoreExit = 0;
        volatile String bridgePorts = "";

        @Override
        public Result run(List<String> argv, String stdin) {
            String line = String.join(" ", argv);
            calls.add(line);
            if (argv.get(0).equals("iptables-save")) {
                return new Result(0, argv.get(2).equals("nat") ? natSave : ":FORWARD DROP [0:0]\n", "");
            }
            if (argv.get(0).equals("ip") && argv.contains("master")) {
                return new Result(0, bridgePorts, "");
            }
            if (argv.get(0).equals("ip") && argv.contains("set")) {
                return new Result(0, "", "");
            }
            if (argv.get(0).equals("ip")) {
                return new Result(0, "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n"
                        + "5: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\ x\n", "");
            }
            if (argv.get(0).equals("iptables-restore")) {
                restores.add(stdin);
                return new Result(restoreExit, "", restoreExit == 0 ? "" : "line 3 failed");
            }
            String rule = line.replaceFirst(" -[CIDA] (\\S+)( 1)? ", " $1 ");
            String op = argv.get(4);
            switch (op) {
                case "-C":
                    return new Result(jumps.contains(rule) ? 0 : 1, "", "");
                case "-I":
                    jumps.add(rule);
                    return new Result(0, "", "");
                case "-D":
                    jumps.remove(rule);
                    return new Result(0, "", "");
                default:
                    return new Result(2, "", "unexpected " + line);
            }
        }
    }

    /** web publishes 8080 for its task on this node (node-1). */
    private static final SessionMessage.NetworkMap WEB1 = map(vip("web", "10.43.0.3", List.of(tcp(8080, 80)),
            ready("t1", "node-1", "172.17.0.2")));

    private static final SessionMessage.NetworkMap EMPTY = map();

    @TempDir
    Path dir;

    @Test
    void appliesOnceInsertsJumpsOnceAndEnablesRouteLocalnet() throws Exception {
        FakeIptables iptables = new FakeIptables();
        Path routeLocalnet = Files.writeString(dir.resolve("route_localnet"), "0\n");
        IptablesPortPublisher publisher = new IptablesPortPublisher(ServiceRules.Options.DEFAULT, iptables, routeLocalnet);

        assertThat(publisher.apply(WEB1, "node-1")).isTrue();
        assertThat(iptables.restores).containsExactly(ServiceRules.compute(WEB1, "node-1").render());
        assertThat(iptables.calls).filteredOn(c -> c.contains(" -I "))
                .containsExactly(
                        "iptables -w -t nat -I PREROUTING 1 -m comment --comment berth service portals"
                                + " -j BERTH-SERVICES",
                        "iptables -w -t nat -I OUTPUT 1 -m comment --comment berth service portals"
                                + " -j BERTH-SERVICES",
                        "iptables -w -t nat -I POSTROUTING 1 -m comment --comment berth service traffic"
                                + " -j BERTH-POSTROUTING",
                        "iptables -w -t filter -I FORWARD 1 -m conntrack --ctstate NEW -m comment --comment berth"
                                + " services without tasks -j BERTH-SERVICES",
                        "iptables -w -t filter -I OUTPUT 1 -m conntrack --ctstate NEW -m comment --comment berth"
                                + " services without tasks -j BERTH-SERVICES",
                        "iptables -w -t filter -I FORWARD 1 -m comment --comment berth service traffic"
                                + " -j BERTH-FORWARD",
                        "iptables -w -t filter -I INPUT 1 -m comment --comment berth localnet guard"
                                + " -j BERTH-FIREWALL");
        assertThat(Files.readString(routeLocalnet)).isEqualTo("1");
        assertThat(publisher.publishedPorts()).isEqualTo(Map.of(new PublishedPort(8080, Protocol.TCP), "web"));

        iptables.calls.clear();
        assertThat(publisher.apply(WEB1, "node-1")).isFalse();
        assertThat(iptables.calls).isEmpty();
    }

    @Test
    void hairpinModeIsTurnedOnForThePortsOfTheTasksBridgeThroughNetlink() throws Exception {
        FakeIptables iptables = new FakeIptables();
        iptables.bridgePorts = """
                12: veth1@if11: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master docker0 state UP \\    bridge_slave state forwarding hairpin off guard off
                14: veth3@if13: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master docker0 state UP \\    bridge_slave state forwarding hairpin on guard off
                """;
        IptablesPortPublisher publisher = new IptablesPortPublisher(ServiceRules.Options.DEFAULT, iptables,
                Files.writeString(dir.resolve("route_localnet"), "1"));

        publisher.apply(WEB1, "node-1");

        // only the bridge of the task's address (docker0 holds 172.17.0.0/16), only the port not on yet
        assertThat(iptables.calls).contains("ip -d -o link show master docker0",
                "ip link set dev veth1 type bridge_slave hairpin on");
        assertThat(iptables.calls).noneMatch(c -> c.contains("veth3") || c.contains("master lo"));
        assertThat(IptablesPortPublisher.portsWithoutHairpin(iptables.bridgePorts)).containsExactly("veth1");
    }

    @Test
    void hairpinModeIsLeftToTheLinksWhenTheAgentMakesThem() throws Exception {
        FakeIptables iptables = new FakeIptables();
        iptables.bridgePorts = """
                12: veth1@if11: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master docker0 state UP \\    bridge_slave state forwarding hairpin off guard off
                """;
        IptablesPortPublisher publisher = new IptablesPortPublisher(ServiceRules.Options.DEFAULT, iptables,
                Files.writeString(dir.resolve("route_localnet"), "1")).withHairpinByLinks();

        assertThat(publisher.apply(WEB1, "node-1")).isTrue();

        assertThat(iptables.calls).isNotEmpty().noneMatch(c -> c.startsWith("ip "));
    }

    @Test
    void interfacesAreFoundBySubnet() {
        String ipAddr = """
                1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
                4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever
                5: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft forever
                20: br-1@if3    inet 172.18.0.1/16 brd 172.18.255.255 scope global br-1\\       valid_lft forever
                """;

        assertThat(IptablesPortPublisher.interfacesFor(ipAddr, List.of("172.17.3.4", "172.18.0.2", "10.1.1.1")))
                .containsExactly("docker0", "br-1");
        assertThat(IptablesPortPublisher.interfacesFor(ipAddr, List.of("not-an-ip"))).isEmpty();
    }


    @Test
    void staleChainsFoundInTheTableAreDeletedAndJumpsNotDuplicated() throws Exception {
        FakeIptables iptables = new FakeIptables();
        IptablesPortPublisher publisher = new IptablesPortPublisher(ServiceRules.Options.DEFAULT, iptables,
                Files.writeString(dir.resolve("route_localnet"), "1"));
        // left by an earlier agent
        iptables.natSave = ":DOCKER - [0:0]\n:BERTH-SERVICES - [0:0]\n:BERTH-SVC-0000000000000000 - [0:0]\n";

        assertThat(publisher.apply(WEB1, "node-1")).isTrue();
        assertThat(iptables.restores.get(0)).contains("-X BERTH-SVC-0000000000000000\n")
                .doesNotContain("DOCKER").doesNotContain("-X BERTH-SERVICES");

        assertThat(publisher.apply(EMPTY, "node-1")).isTrue();
        // its own chains it knows: deleted without reading the table again, jumps not checked again
        assertThat(iptables.restores.get(1)).containsPattern("-X BERTH-SVC-[0-9A-F]{16}\n")
                .doesNotContain("-X BERTH-SVC-0000000000000000").doesNotContain("-X BERTH-SERVICES");
        assertThat(iptables.calls).filteredOn(c -> c.startsWith("iptables-save")).hasSize(1);
        assertThat(iptables.calls).filteredOn(c -> c.contains(" -I ")).hasSize(7);
        assertThat(publisher.publishedPorts()).isEmpty();

        // a resync reads the table and checks the jumps again (someone may have flushed them)
        iptables.jumps.clear();
        publisher.forgetAppliedAndRecheck();
        assertThat(publisher.apply(WEB1, "node-1")).isTrue();
        assertThat(iptables.calls).filteredOn(c -> c.startsWith("iptables-save")).hasSize(2);
        assertThat(iptables.calls).filteredOn(c -> c.contains(" -I ")).hasSize(14);
    }

    @Test
    void aFailedRestoreIsReportedAndRetriedWithTheSameRules() throws Exception {
        FakeIptables iptables = new FakeIptables();
        IptablesPortPublisher publisher = new IptablesPortPublisher(ServiceRules.Options.DEFAULT, iptables,
                Files.writeString(dir.resolve("route_localnet"), "1"));
        iptables.restoreExit = 2;

        assertThatThrownBy(() -> publisher.apply(WEB1, "node-1"))
                .hasMessage("iptables-restore failed (exit 2): line 3 failed");
        iptables.restoreExit = 0;
        assertThat(publisher.apply(WEB1, "node-1")).isTrue();
    }

    @Test
    void removeAllDeletesJumpsThenChainsAndRestoresRouteLocalnet() throws Exception {
        FakeIptables iptables = new FakeIptables();
        Path routeLocalnet = Files.writeString(dir.resolve("route_localnet"), "0");
        IptablesPortPublisher publisher = new IptablesPortPublisher(ServiceRules.Options.DEFAULT, iptables, routeLocalnet);
        publisher.apply(WEB1, "node-1");
        iptables.natSave = ":DOCKER - [0:0]\n:BERTH-SERVICES - [0:0]\n:BERTH-MARK-MASQ - [0:0]\n";

        publisher.removeAll();

        assertThat(iptables.jumps).isEmpty();
        assertThat(iptables.restores.get(iptables.restores.size() - 1)).isEqualTo("""
                *nat
                :BERTH-MARK-MASQ - [0:0]
                :BERTH-SERVICES - [0:0]
                -X BERTH-MARK-MASQ
                -X BERTH-SERVICES
                COMMIT
                """);
        // Left on: something else may rely on it by now (kube-proxy and the engine do the same).
        assertThat(Files.readString(routeLocalnet)).isEqualTo("1");
        assertThat(publisher.publishedPorts()).isEmpty();
    }

    @Test
    void aFailedAsynchronousApplicationIsRetriedAndTheRulesAreResynced() throws Exception {
        FakeIptables iptables = new FakeIptables();
        iptables.restoreExit = 1;
        try (IptablesPortPublisher publisher = new IptablesPortPublisher(ServiceRules.Options.DEFAULT, iptables,
                Files.writeString(dir.resolve("route_localnet"), "1"), Duration.ofMillis(100),
                Duration.ofMillis(200))) {
            publisher.update(WEB1, "node-1");
            await().atMost(Duration.ofSeconds(5)).until(() -> iptables.restores.size() >= 2);
            assertThat(publisher.publishedPorts()).isEmpty();

            iptables.restoreExit = 0;
            await().atMost(Duration.ofSeconds(5)).until(() -> !publisher.publishedPorts().isEmpty());
            // Someone flushes the tables: the periodic resync puts the jumps back.
            iptables.jumps.clear();
            await().atMost(Duration.ofSeconds(5)).until(() -> iptables.jumps.size() == 7);
        }
    }

    @Test
    void networkMapsArePublishedAsynchronouslyNewestFirst() throws Exception {
        FakeIptables iptables = new FakeIptables();
        try (IptablesPortPublisher publisher = new IptablesPortPublisher(ServiceRules.Options.DEFAULT, iptables,
                Files.writeString(dir.resolve("route_localnet"), "1"))) {
            publisher.update(EMPTY, "node-1");
            publisher.update(WEB1, "node-1");

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(publisher.publishedPorts())
                    .isEqualTo(Map.of(new PublishedPort(8080, Protocol.TCP), "web")));
            assertThat(iptables.restores.get(iptables.restores.size() - 1))
                    .isEqualTo(ServiceRules.compute(WEB1, "node-1").render());
        }
    }

    @Test
    void publishedPortsAreThoseWithTasksAnywhereOrHereInHostMode() throws Exception {
        IptablesPortPublisher publisher = new IptablesPortPublisher(ServiceRules.Options.DEFAULT, new FakeIptables(),
                Files.writeString(dir.resolve("route_localnet"), "0"));
        SessionMessage.NetworkMap remote = map(
                vip("web", "10.43.0.3", List.of(tcp(8080, 80)), ready("t2", "node-2", "10.42.2.5")),
                vip("game", "10.43.0.4", List.of(hostTcp(9000, 9000)), ready("g2", "node-2", "10.42.2.6")),
                vip("idle", "10.43.0.5", List.of(tcp(7000, 7000))));

        assertThat(publisher.apply(remote, "node-1")).isTrue();
        // The mesh answers here for web's task elsewhere; game's host-mode port is node-2's only.
        assertThat(publisher.publishedPorts()).isEqualTo(Map.of(new PublishedPort(8080, Protocol.TCP), "web"));
        assertThat(Files.readString(dir.resolve("route_localnet"))).isEqualTo("1");
        assertThat(publisher.apply(remote, "node-2")).isTrue();
        assertThat(publisher.publishedPorts()).isEqualTo(Map.of(new PublishedPort(8080, Protocol.TCP), "web",
                new PublishedPort(9000, Protocol.TCP), "game"));
    }

    @Test
    void jumpsOfTheEarlierVersionAreDeleted() throws Exception {
        FakeIptables iptables = new FakeIptables();
        List<ServiceRules.JumpRule> legacy = ServiceRules.legacyJumps(ServiceRules.Options.DEFAULT);
        for (ServiceRules.JumpRule jump : legacy) {
            iptables.jumps.add("iptables -w -t " + jump.table() + " " + jump.chain() + " "
                    + String.join(" ", jump.spec()));
        }
        IptablesPortPublisher publisher = new IptablesPortPublisher(ServiceRules.Options.DEFAULT, iptables,
                Files.writeString(dir.resolve("route_localnet"), "1"));

        publisher.apply(WEB1, "node-1");

        assertThat(iptables.calls).filteredOn(c -> c.contains(" -D ")).hasSize(legacy.size());
        assertThat(iptables.jumps).hasSize(7).noneMatch(j -> j.contains("published ports"));
    }
}
