package dev.berth.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Cidr;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContainerAddressesTest {

    private static final Cidr SUBNET = Cidr.parse("10.42.1.0/24");

    @Test
    void givesTheLowestFreeHostSkippingNetworkGatewayAndBroadcast() {
        assertThat(ContainerAddresses.lowestFree(SUBNET, Set.of())).contains("10.42.1.2");
        assertThat(ContainerAddresses.lowestFree(SUBNET, Set.of("10.42.1.2", "10.42.1.4"))).contains("10.42.1.3");
        // a /30 has one address besides network, gateway and broadcast
        Cidr tiny = Cidr.parse("10.42.1.0/30");
        assertThat(ContainerAddresses.lowestFree(tiny, Set.of())).contains("10.42.1.2");
        assertThat(ContainerAddresses.lowestFree(tiny, Set.of("10.42.1.2"))).isEmpty();
    }

    @Test
    void theRangeLeftToTheEngineForContainersAttachedByHandIsNeverGiven() {
        java.util.Set<String> all = new java.util.HashSet<>();
        for (int i = 2; i <= 238; i++) {
            all.add("10.42.1." + i);
        }
        assertThat(ContainerAddresses.lowestFree(SUBNET, all)).contains("10.42.1.239");
        all.add("10.42.1.239");
        // 10.42.1.240/28 is the engine's
        assertThat(ContainerAddresses.lowestFree(SUBNET, all)).isEmpty();
        assertThat(ContainerNetworkRules.handAttachedRange(SUBNET)).contains(Cidr.parse("10.42.1.240/28"));
        assertThat(ContainerNetworkRules.handAttachedRange(Cidr.parse("10.42.0.0/16")))
                .contains(Cidr.parse("10.42.240.0/20"));
        assertThat(ContainerNetworkRules.handAttachedRange(Cidr.parse("10.42.1.0/26")))
                .contains(Cidr.parse("10.42.1.60/30"));
        assertThat(ContainerNetworkRules.handAttachedRange(Cidr.parse("10.42.1.0/27"))).isEmpty();
    }

    @Test
    void aTaskKeepsItsAddressAndAReleasedOneIsGivenAgain() {
        ContainerAddresses addresses = new ContainerAddresses();
        assertThat(addresses.allocate("t1")).as("no subnet yet").isEmpty();

        addresses.setSubnet(SUBNET);
        assertThat(addresses.allocate("t1")).contains("10.42.1.2");
        assertThat(addresses.allocate("t2")).contains("10.42.1.3");
        assertThat(addresses.allocate("t1")).as("same task, same address").contains("10.42.1.2");

        addresses.release("t1");
        assertThat(addresses.allocate("t3")).contains("10.42.1.2");
        assertThat(addresses.held()).containsOnly(
                java.util.Map.entry("t2", "10.42.1.3"), java.util.Map.entry("t3", "10.42.1.2"));
    }

    @Test
    void addressesFoundOnTheEngineBeforeTheSubnetIsKnownAreNotGivenAgain() {
        ContainerAddresses addresses = new ContainerAddresses();
        addresses.reserve("adopted", "10.42.1.2");
        addresses.reserve("other", "10.42.1.3");
        addresses.setSubnet(SUBNET);

        assertThat(addresses.allocate("new")).contains("10.42.1.4");
        assertThat(addresses.allocate("adopted")).contains("10.42.1.2");
    }

    @Test
    void aFullSubnetGivesNothing() {
        ContainerAddresses addresses = new ContainerAddresses();
        addresses.setSubnet(Cidr.parse("10.42.1.0/29")); // .2 to .6
        for (int i = 0; i < 5; i++) {
            assertThat(addresses.allocate("t" + i)).isPresent();
        }
        assertThat(addresses.allocate("t5")).isEmpty();
    }
}
