package dev.berth.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Cidr;
import dev.berth.api.NetworkSpec;
import dev.berth.api.session.SessionMessage.NetworkMap;
import dev.berth.api.session.SessionMessage.NetworkPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContainerNetworkTest {

    /** A kernel that answers {@code ip route show} and {@code iptables -C} from what it was told. */
    static final class FakeKernel implements CommandRunner {
        final List<String> commands = Collections.synchronizedList(new ArrayList<>());
        final Map<String, String> routes = new LinkedHashMap<>();
        final Set<String> jumps = new HashSet<>();
        String restored = "";

        /** What {@code ip -o link show master berth0} prints. */
        volatile String bridgePorts = "";

        FakeKernel() {
            routes.put("default", "via 192.0.2.1 dev eth0");
        }

        @Override
        public Result run(List<String> argv, String stdin) {
            String line = String.join(" ", argv);
            commands.add(line);
            if (line.equals("ip -o link show master berth0")) {
                return new Result(0, bridgePorts, "");
            }
            if (line.equals("ip -4 route show")) {
                StringBuilder out = new StringBuilder();
                routes.forEach((dest, rest) -> out.append(dest).append(' ').append(rest).append('\n'));
                return new Result(0, out.toString(), "");
            }
            if (argv.get(0).equals("ip") && argv.get(2).equals("replace")) {
                routes.put(argv.get(3), "via " + argv.get(5) + " dev eth0");
            } else if (argv.get(0).equals("ip") && argv.get(2).equals("del")) {
                routes.remove(argv.get(3));
            } else if (argv.get(0).equals("iptables-restore")) {
                restored = stdin;
            } else if (argv.get(0).equals("iptables")) {
                String key = argv.get(3) + " " + argv.get(5) + " " + argv.get(argv.size() - 1);
                switch (argv.get(4)) {
                    case "-C" -> {
                        return new Result(jumps.contains(key) ? 0 : 1, "", "");
                    }
                    case "-I" -> jumps.add(key);
                    case "-D" -> jumps.remove(key);
                    default -> {
                    }
                }
            }
            return new Result(0, "", "");
        }

        List<String> take() {
            synchronized (commands) {
                List<String> out = List.copyOf(commands);
                commands.clear();
                return out;
            }
        }
    }

    /** An engine's networks in memory. */
    static final class FakeNetworks implements DockerNetworks {
        final Map<String, Found> networks = new LinkedHashMap<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public Optional<Found> inspect(String name) {
            return Optional.ofNullable(networks.get(name));
        }

        @Override
        public void create(ContainerNetworkRules.BridgeSpec spec) {
            calls.add("create " + spec.name() + " " + spec.subnet());
            networks.put(spec.name(), new Found(spec.subnet(), spec.ipRange(), List.of()));
        }

        @Override
        public void remove(String name) {
            calls.add("remove " + name);
            networks.remove(name);
        }
    }

    private static final NetworkSpec SPEC = NetworkSpec.DEFAULT;

    private final FakeKernel kernel = new FakeKernel();
    private final FakeNetworks engine = new FakeNetworks();
    private final List<ContainerNetwork.Ready> readies = Collections.synchronizedList(new ArrayList<>());
    private final ContainerNetwork network = new ContainerNetwork(engine, ContainerNetwork.Options.DEFAULT, kernel,
            readies::add, Duration.ofMillis(50), Duration.ZERO);

    @AfterEach
    void close() {
        network.close();
    }

    private static NetworkMap map(String subnet, NetworkPeer... peers) {
        return new NetworkMap(SPEC, subnet, List.of(peers), List.of());
    }

    @Test
    void firstMapCreatesTheNetworkTheRulesAndTheRoutesThenSaysReady() {
        boolean ok = network.apply(map("10.42.0.0/24", new NetworkPeer("n2", "192.0.2.12", "10.42.1.0/24")));

        assertThat(ok).isTrue();
        assertThat(engine.calls).containsExactly("create berth 10.42.0.0/24");
        assertThat(kernel.take()).containsExactly(
                "iptables-restore -w --noflush",
                "iptables -w -t filter -C FORWARD -j BERTHNET-FWD",
                "iptables -w -t filter -I FORWARD 1 -j BERTHNET-FWD",
                "iptables -w -t nat -C POSTROUTING -j BERTHNET-MASQ",
                "iptables -w -t nat -I POSTROUTING 1 -j BERTHNET-MASQ",
                "ip -4 route show",
                "ip route replace 10.42.1.0/24 via 192.0.2.12");
        assertThat(kernel.restored).contains("-A BERTHNET-MASQ -s 10.42.0.0/24 ! -d 10.42.0.0/16 -j MASQUERADE");
        assertThat(readies).containsExactly(
                new ContainerNetwork.Ready("berth", Cidr.parse("10.42.0.0/24"), "10.42.0.1", "berth0"));
        assertThat(network.ready()).contains(readies.get(0));
    }

    @Test
    void theSameMapAgainTouchesNothingAndAGonePeersRouteIsDeleted() {
        NetworkPeer n2 = new NetworkPeer("n2", "192.0.2.12", "10.42.1.0/24");
        NetworkPeer n3 = new NetworkPeer("n3", "192.0.2.13", "10.42.2.0/24");
        network.apply(map("10.42.0.0/24", n2, n3));
        kernel.take();

        network.apply(map("10.42.0.0/24", n2, n3));
        assertThat(kernel.take()).isEmpty();
        assertThat(engine.calls).hasSize(1);

        network.apply(map("10.42.0.0/24", n3));
        assertThat(kernel.take()).containsExactly("ip -4 route show", "ip route del 10.42.1.0/24 via 192.0.2.12");
        assertThat(readies).hasSize(3);
    }

    @Test
    void aMapWithoutSubnetChangesNothing() {
        assertThat(network.apply(map("", new NetworkPeer("n2", "192.0.2.12", "10.42.1.0/24")))).isTrue();

        assertThat(kernel.take()).isEmpty();
        assertThat(engine.calls).isEmpty();
        assertThat(readies).isEmpty();
    }

    @Test
    void aNetworkWithAnotherSubnetIsRecreatedWhenEmptyElseTasksWait() {
        engine.networks.put("berth", new DockerNetworks.Found("10.42.9.0/24", List.of("web.1.abc")));

        network.apply(map("10.42.0.0/24"));
        assertThat(engine.calls).isEmpty();
        assertThat(readies).isEmpty();
        assertThat(network.ready()).isEmpty();
        // the rules do not depend on the bridge and are in place already
        assertThat(kernel.restored).isNotEmpty();

        engine.networks.put("berth", new DockerNetworks.Found("10.42.9.0/24", List.of()));
        network.apply(map("10.42.0.0/24"));
        assertThat(engine.calls).containsExactly("remove berth", "create berth 10.42.0.0/24");
        assertThat(readies).hasSize(1);
    }

    @Test
    void containersTheAgentLinkedToTheBridgeKeepANetworkOfAnotherSubnet() {
        engine.networks.put("berth", new DockerNetworks.Found("10.42.9.0/24", List.of()));
        kernel.bridgePorts = "17: bv0123456789ab@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue "
                + "master berth0 state UP mode DEFAULT group default qlen 1000\\    link/ether 2a:...\n";

        network.apply(map("10.42.0.0/24"));
        assertThat(engine.calls).isEmpty();
        assertThat(network.ready()).isEmpty();

        kernel.bridgePorts = "";
        network.apply(map("10.42.0.0/24"));
        assertThat(engine.calls).containsExactly("remove berth", "create berth 10.42.0.0/24");
    }

    @Test
    void aNetworkWithoutTheRangeForContainersAttachedByHandIsRecreatedOnceNothingIsAttached() {
        engine.networks.put("berth", new DockerNetworks.Found("10.42.0.0/24", List.of("web.1.abc")));
        network.apply(map("10.42.0.0/24"));
        assertThat(engine.calls).isEmpty();
        assertThat(readies).hasSize(1);

        engine.networks.put("berth", new DockerNetworks.Found("10.42.0.0/24", List.of()));
        network.forgetApplied();
        network.apply(map("10.42.0.0/24"));
        assertThat(engine.calls).containsExactly("remove berth", "create berth 10.42.0.0/24");

        engine.calls.clear();
        network.forgetApplied();
        network.apply(map("10.42.0.0/24"));
        assertThat(engine.calls).as("the new network has the range").isEmpty();
    }

    @Test
    void anExistingNetworkWithTheRightSubnetIsKept() {
        engine.networks.put("berth", new DockerNetworks.Found("10.42.0.0/24", List.of("web.1.abc")));

        network.apply(map("10.42.0.0/24"));

        assertThat(engine.calls).isEmpty();
        assertThat(readies).hasSize(1);
    }

    @Test
    void aFailedCommandIsRetriedInTheBackground() {
        CommandRunner failingOnce = new CommandRunner() {
            private boolean failed;

            @Override
            public Result run(List<String> argv, String stdin) {
                if (argv.get(0).equals("iptables-restore") && !failed) {
                    failed = true;
                    return new Result(4, "", "resource busy");
                }
                return kernel.run(argv, stdin);
            }
        };
        try (ContainerNetwork retrying = new ContainerNetwork(engine, ContainerNetwork.Options.DEFAULT, failingOnce,
                readies::add, Duration.ofMillis(50), Duration.ZERO)) {
            retrying.submit(map("10.42.0.0/24"));

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> !kernel.restored.isEmpty() && kernel.jumps.size() == 2);
        }
    }

    @Test
    void removeAllTakesOutJumpsChainsRoutesAndTheEmptyNetwork() throws Exception {
        network.apply(map("10.42.0.0/24", new NetworkPeer("n2", "192.0.2.12", "10.42.1.0/24")));
        kernel.take();

        network.removeAll(Cidr.parse(SPEC.containerCidr()));

        assertThat(kernel.jumps).isEmpty();
        assertThat(kernel.routes).containsOnlyKeys("default");
        assertThat(kernel.take()).contains("iptables -w -t filter -X BERTHNET-FWD",
                "iptables -w -t nat -X BERTHNET-MASQ", "ip route del 10.42.1.0/24 via 192.0.2.12");
        assertThat(engine.networks).isEmpty();
        assertThat(network.ready()).isEmpty();
    }
}
