package dev.berth.controllers.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NetworkAllocatorTest {

    private static final Cidr CONTAINERS = Cidr.parse("10.42.0.0/16");
    private static final Cidr SERVICES = Cidr.parse("10.43.0.0/16");

    private static Optional<String> subnet(Cidr range, int prefix, String... taken) {
        return NetworkAllocator.nextSubnet(range, prefix, List.of(taken)).map(Cidr::toString);
    }

    private static Optional<String> vip(Cidr range, String... taken) {
        return NetworkAllocator.nextAddress(range, NetworkAllocator.FIRST_VIRTUAL_IP_OFFSET, List.of(taken));
    }

    @Test
    void subnetsAreHandedOutLowestFirst() {
        assertThat(subnet(CONTAINERS, 24)).contains("10.42.0.0/24");
        assertThat(subnet(CONTAINERS, 24, "10.42.0.0/24")).contains("10.42.1.0/24");
        assertThat(subnet(CONTAINERS, 24, "10.42.1.0/24", "10.42.0.0/24")).contains("10.42.2.0/24");
    }

    @Test
    void aFreedSubnetIsTheNextOneGiven() {
        // the node that held 10.42.1.0/24 was removed
        assertThat(subnet(CONTAINERS, 24, "10.42.0.0/24", "10.42.2.0/24", "10.42.3.0/24")).contains("10.42.1.0/24");
    }

    @Test
    void takenSubnetsOfOtherSizesBlockWhatTheyOverlap() {
        assertThat(subnet(CONTAINERS, 24, "10.42.0.0/23")).contains("10.42.2.0/24");
        assertThat(subnet(CONTAINERS, 24, "10.42.0.128/25")).contains("10.42.1.0/24");
        assertThat(subnet(CONTAINERS, 24, "10.0.0.0/8")).isEmpty();
    }

    @Test
    void subnetsOutsideTheRangeAndGarbageAreIgnored() {
        assertThat(subnet(CONTAINERS, 24, "10.43.0.0/24", "192.168.0.0/16", "", "not-a-cidr", "10.42.0.1/24"))
                .contains("10.42.0.0/24");
    }

    @Test
    void aFullRangeHasNoSubnet() {
        Cidr small = Cidr.parse("10.42.0.0/23");
        assertThat(subnet(small, 24, "10.42.0.0/24")).contains("10.42.1.0/24");
        assertThat(subnet(small, 24, "10.42.0.0/24", "10.42.1.0/24")).isEmpty();

        List<String> all = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            all.add("10.42." + i + ".0/24");
        }
        assertThat(NetworkAllocator.nextSubnet(CONTAINERS, 24, all)).isEmpty();
        all.remove("10.42.200.0/24");
        assertThat(NetworkAllocator.nextSubnet(CONTAINERS, 24, all)).contains(Cidr.parse("10.42.200.0/24"));
    }

    @Test
    void aPrefixThatDoesNotFitIsRefused() {
        assertThatThrownBy(() -> NetworkAllocator.nextSubnet(CONTAINERS, 8, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.42.0.0/16");
    }

    @Test
    void virtualIpsStartAtTheThirdAddress() {
        assertThat(vip(SERVICES)).contains("10.43.0.2");
        assertThat(vip(SERVICES, "10.43.0.2")).contains("10.43.0.3");
        assertThat(vip(SERVICES, "10.43.0.3")).contains("10.43.0.2");
        assertThat(vip(SERVICES, "10.43.0.2", "10.43.0.3", "10.43.0.5")).contains("10.43.0.4");
    }

    @Test
    void virtualIpsCrossOctetBoundaries() {
        List<String> taken = new ArrayList<>();
        for (int i = 2; i < 256; i++) {
            taken.add("10.43.0." + i);
        }
        assertThat(NetworkAllocator.nextAddress(SERVICES, 2, taken)).contains("10.43.1.0");
    }

    @Test
    void addressesOutsideTheRangeAndGarbageAreIgnored() {
        assertThat(vip(SERVICES, "10.42.0.2", "bogus", "", "10.43.0.1")).contains("10.43.0.2");
    }

    @Test
    void aFullServiceRangeHasNoAddressAndNeverGivesTheBroadcastAddress() {
        Cidr small = Cidr.parse("10.43.0.0/29"); // .2 to .6 usable, .7 is the broadcast address
        assertThat(vip(small, "10.43.0.2", "10.43.0.3", "10.43.0.4", "10.43.0.5")).contains("10.43.0.6");
        assertThat(vip(small, "10.43.0.2", "10.43.0.3", "10.43.0.4", "10.43.0.5", "10.43.0.6")).isEmpty();
    }
}
