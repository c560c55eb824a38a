package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void addressesAreFourDecimalOctetsWithoutSignsOrLeadingZeros() {
        assertThat(Cidr.formatAddress(Cidr.parseAddress("10.42.0.5"))).isEqualTo("10.42.0.5");
        assertThat(Cidr.formatAddress(Cidr.parseAddress("255.255.255.255"))).isEqualTo("255.255.255.255");
        assertThat(Cidr.isAddress("0.0.0.0")).isTrue();
        for (String bad : new String[] {"1.2.3", "1.2.3.4.5", "1.2.3.-4", "+1.2.3.4", "1.2.3.256", "01.2.3.4",
                "1..3.4", "localhost", "", "1.2.3.4/32"}) {
            assertThat(Cidr.isAddress(bad)).as(bad).isFalse();
        }
    }

    @Test
    void parsesContainsOverlapsAndCarves() {
        Cidr net = Cidr.parse("10.42.0.0/16");
        assertThat(net.contains("10.42.255.1")).isTrue();
        assertThat(net.contains("10.43.0.1")).isFalse();
        assertThat(net.overlaps(Cidr.parse("10.42.128.0/17"))).isTrue();
        assertThat(net.overlaps(Cidr.parse("10.43.0.0/16"))).isFalse();
        assertThat(net.subnetCount(24)).isEqualTo(256);
        assertThat(net.subnet(24, 3)).hasToString("10.42.3.0/24");
        assertThat(net.subnet(24, 3).gateway()).isEqualTo("10.42.3.1");
        assertThat(net.offsetOf("10.42.1.2")).isEqualTo(258);
        assertThat(new Cidr(Cidr.parseAddress("172.17.0.1"), 16)).hasToString("172.17.0.0/16");
    }

    @Test
    void badCidrsSayWhatIsWrong() {
        assertThatThrownBy(() -> Cidr.parse("10.42.0.1/16")).hasMessageContaining("did you mean 10.42.0.0/16");
        assertThatThrownBy(() -> Cidr.parse("10.42.0.0")).hasMessageContaining("is not a CIDR");
        assertThatThrownBy(() -> Cidr.parse("10.42.0.0/33")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> Cidr.parse("10.042.0.0/16")).hasMessageContaining("not an IPv4 address");
    }
}
