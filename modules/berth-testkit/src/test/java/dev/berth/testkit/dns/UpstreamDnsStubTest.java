package dev.berth.testkit.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

class UpstreamDnsStubTest {

    private static Message ask(UpstreamDnsStub stub, String name, boolean tcp, boolean ignoreTruncation)
            throws Exception {
        SimpleResolver resolver = new SimpleResolver(stub.address());
        resolver.setTimeout(Duration.ofSeconds(5));
        resolver.setTCP(tcp);
        resolver.setIgnoreTruncation(ignoreTruncation);
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
    }

    @Test
    void answersItsNamesAndNxdomainOtherwiseOverUdpAndTcp() throws Exception {
        try (UpstreamDnsStub stub = UpstreamDnsStub.start("127.0.0.1", 0, Map.of("Example.com.", "10.1.2.3"))) {
            Message found = ask(stub, "example.COM.", false, false);
            assertThat(found.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(((ARecord) found.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress())
                    .isEqualTo("10.1.2.3");
            assertThat(ask(stub, "other.example.", false, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(ask(stub, "example.com.", true, false).getSection(Section.ANSWER)).hasSize(1);
            assertThat(stub.queries()).isEqualTo(3);
            assertThat(stub.tcpQueries()).isEqualTo(1);
        }
    }

    @Test
    void aTruncatingStubAnswersOnlyOverTcp() throws Exception {
        try (UpstreamDnsStub stub = UpstreamDnsStub.startTruncating("127.0.0.1", 0, Map.of("big.example", "10.9.9.9"))) {
            Message udp = ask(stub, "big.example.", false, true);
            assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
            assertThat(udp.getSection(Section.ANSWER)).isEmpty();
            assertThat(ask(stub, "big.example.", true, false).getSection(Section.ANSWER)).hasSize(1);
        }
    }
}
