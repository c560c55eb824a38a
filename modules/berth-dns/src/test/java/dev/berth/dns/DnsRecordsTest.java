package dev.berth.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.EndpointAddress;
import dev.berth.api.EndpointMode;
import dev.berth.api.Endpoints;
import dev.berth.api.ObjectMeta;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsRecordsTest {

    static Endpoints endpoints(String name, String vip, EndpointMode mode, EndpointAddress... addresses) {
        return Endpoints.of(ObjectMeta.named(name), vip, mode, List.of(), List.of(addresses));
    }

    static EndpointAddress ready(String ip, String taskId) {
        return new EndpointAddress(ip, taskId, "node-1", true);
    }

    static List<String> ips(DnsRecords.Answer answer) {
        return answer.addresses().stream().map(InetAddress::getHostAddress).toList();
    }

    private final DnsRecords records = DnsRecords.of(List.of(
            endpoints("web", "10.43.0.2", EndpointMode.VIP, ready("10.42.0.3", "t1"),
                    new EndpointAddress("10.42.1.3", "t2", "node-2", false), ready("10.42.2.3", "t3")),
            endpoints("db", "", EndpointMode.DNSRR, ready("10.42.0.7", "t4"), ready("10.42.1.7", "t5")),
            endpoints("pending", "", EndpointMode.VIP)));

    @Test
    void aServiceInVipModeResolvesToItsVirtualIp() {
        DnsRecords.Answer answer = records.lookup("web");
        assertThat(answer.kind()).isEqualTo(DnsRecords.Kind.CLUSTER);
        assertThat(ips(answer)).containsExactly("10.43.0.2");
    }

    @Test
    void tasksOfAServiceResolveToItsReadyAddressesOnly() {
        assertThat(ips(records.lookup("tasks.web"))).containsExactly("10.42.0.3", "10.42.2.3");
        assertThat(ips(records.lookup("tasks.db"))).containsExactly("10.42.0.7", "10.42.1.7");
    }

    @Test
    void aServiceInDnsrrModeResolvesToItsReadyAddresses() {
        assertThat(ips(records.lookup("db"))).containsExactly("10.42.0.7", "10.42.1.7");
    }

    @Test
    void namesAreCaseInsensitiveWithOrWithoutTheTrailingDot() {
        assertThat(ips(records.lookup("WEB."))).containsExactly("10.43.0.2");
        assertThat(ips(records.lookup("Tasks.Db."))).containsExactly("10.42.0.7", "10.42.1.7");
        assertThat(DnsRecords.normalize("Web.Example.")).isEqualTo("web.example");
    }

    @Test
    void unknownSingleLabelsAndTasksOfUnknownServicesDoNotExist() {
        assertThat(records.lookup("nope").kind()).isEqualTo(DnsRecords.Kind.NXDOMAIN);
        assertThat(records.lookup("nope.").kind()).isEqualTo(DnsRecords.Kind.NXDOMAIN);
        assertThat(records.lookup("tasks.nope").kind()).isEqualTo(DnsRecords.Kind.NXDOMAIN);
        assertThat(DnsRecords.empty().lookup("web").kind()).isEqualTo(DnsRecords.Kind.NXDOMAIN);
    }

    @Test
    void everyOtherNameIsForwarded() {
        assertThat(records.lookup("example.com").kind()).isEqualTo(DnsRecords.Kind.FORWARD);
        assertThat(records.lookup("web.example.com.").kind()).isEqualTo(DnsRecords.Kind.FORWARD);
        assertThat(records.lookup("tasks.web.example").kind()).isEqualTo(DnsRecords.Kind.FORWARD);
        assertThat(records.lookup(".").kind()).isEqualTo(DnsRecords.Kind.FORWARD);
        assertThat(records.lookup("").kind()).isEqualTo(DnsRecords.Kind.FORWARD);
    }

    @Test
    void aServiceWithoutAddressesExistsButHasNone() {
        DnsRecords.Answer answer = records.lookup("pending");
        assertThat(answer.kind()).isEqualTo(DnsRecords.Kind.CLUSTER);
        assertThat(answer.addresses()).isEmpty();
        assertThat(records.lookup("tasks.pending").addresses()).isEmpty();
    }

    @Test
    void invalidAndDuplicateAddressesAreLeftOut() {
        DnsRecords odd = DnsRecords.of(List.of(endpoints("odd", "", EndpointMode.DNSRR,
                ready("10.42.0.3", "t1"), ready("10.42.0.3", "t2"), ready("", "t3"), ready("fe80::1", "t4"),
                ready("10.42.0.256", "t5"), ready("10.42.0", "t6"), ready("example.com", "t7"), ready("10.42.0.4", "t8"))));
        assertThat(ips(odd.lookup("odd"))).containsExactly("10.42.0.3", "10.42.0.4");
    }

    @Test
    void theSnapshotIsIndependentOfItsInputAndListsItsServices() {
        assertThat(records.services()).containsExactlyInAnyOrder("web", "db", "pending");
        assertThat(DnsRecords.of(List.of()).services()).isEmpty();
    }

    @Test
    void parsesOnlyDottedQuadLiterals() {
        assertThat(DnsRecords.parseIpv4("192.168.1.254")).map(InetAddress::getHostAddress).contains("192.168.1.254");
        assertThat(DnsRecords.parseIpv4("1.2.3")).isEmpty();
        assertThat(DnsRecords.parseIpv4("1.2.3.4.5")).isEmpty();
        assertThat(DnsRecords.parseIpv4("1.2.3.-4")).isEmpty();
        assertThat(DnsRecords.parseIpv4("localhost")).isEmpty();
    }
}
