package dev.berth.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.EndpointMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class DnsMessagesTest {

    private final DnsRecords records = DnsRecords.of(List.of(
            DnsRecordsTest.endpoints("web", "10.43.0.2", EndpointMode.VIP),
            DnsRecordsTest.endpoints("db", "", EndpointMode.DNSRR, DnsRecordsTest.ready("10.42.0.7", "t1"),
                    DnsRecordsTest.ready("10.42.1.7", "t2"), DnsRecordsTest.ready("10.42.2.7", "t3"))));

    static Message query(String name, int type) throws Exception {
        return Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
    }

    static List<String> answerIps(Message reply) {
        return reply.getSection(Section.ANSWER).stream()
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).toList();
    }

    @Test
    void aClusterAnswerIsAuthoritativeWithTheQueryIdQuestionAndTtl() throws Exception {
        Message query = query("Web.", Type.A);
        Message reply = DnsMessages.clusterReply(query, records.lookup("Web."), 3, 0);

        assertThat(reply.getHeader().getID()).isEqualTo(query.getHeader().getID());
        assertThat(reply.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(reply.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.getQuestion()).isEqualTo(query.getQuestion());
        assertThat(answerIps(reply)).containsExactly("10.43.0.2");
        Record answer = reply.getSection(Section.ANSWER).get(0);
        assertThat(answer.getTTL()).isEqualTo(3);
        assertThat(answer.getName().toString()).isEqualTo("Web."); // the client's spelling
    }

    @Test
    void multipleAddressesAreRotated() throws Exception {
        Message query = query("db.", Type.A);
        assertThat(answerIps(DnsMessages.clusterReply(query, records.lookup("db"), 5, 0)))
                .containsExactly("10.42.0.7", "10.42.1.7", "10.42.2.7");
        assertThat(answerIps(DnsMessages.clusterReply(query, records.lookup("db"), 5, 1)))
                .containsExactly("10.42.1.7", "10.42.2.7", "10.42.0.7");
        assertThat(answerIps(DnsMessages.clusterReply(query, records.lookup("db"), 5, -1)))
                .containsExactly("10.42.2.7", "10.42.0.7", "10.42.1.7");
    }

    @Test
    void anyIsAnsweredWithAddressesAndOtherTypesOfAKnownNameWithNoAnswer() throws Exception {
        assertThat(answerIps(DnsMessages.clusterReply(query("web.", Type.ANY), records.lookup("web"), 5, 0)))
                .containsExactly("10.43.0.2");
        for (int type : new int[] {Type.AAAA, Type.MX, Type.TXT, Type.SRV}) {
            Message reply = DnsMessages.clusterReply(query("web.", type), records.lookup("web"), 5, 0);
            assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(reply.getSection(Section.ANSWER)).isEmpty();
        }
    }

    @Test
    void anUnknownServiceIsAnAuthoritativeNxdomain() throws Exception {
        Message reply = DnsMessages.clusterReply(query("nope.", Type.A), records.lookup("nope"), 5, 0);
        assertThat(reply.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(reply.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void anOutsideNameHasNoClusterReply() throws Exception {
        assertThatThrownBy(() -> DnsMessages.clusterReply(query("example.com.", Type.A),
                records.lookup("example.com"), 5, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checksWhatKindOfMessageCameIn() throws Exception {
        assertThat(DnsMessages.check(query("web.", Type.A))).isEqualTo(DnsMessages.Check.QUERY);

        Message response = query("web.", Type.A);
        response.getHeader().setFlag(Flags.QR);
        assertThat(DnsMessages.check(response)).isEqualTo(DnsMessages.Check.DROP);

        assertThat(DnsMessages.check(new Message())).isEqualTo(DnsMessages.Check.FORMERR);
        Message two = query("web.", Type.A);
        two.addRecord(Record.newRecord(Name.fromString("db."), Type.A, DClass.IN), Section.QUESTION);
        assertThat(DnsMessages.check(two)).isEqualTo(DnsMessages.Check.FORMERR);

        Message notify = query("web.", Type.SOA);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        assertThat(DnsMessages.check(notify)).isEqualTo(DnsMessages.Check.NOTIMP);
    }

    @Test
    void errorRepliesKeepIdQuestionAndEdns() throws Exception {
        Message query = query("example.com.", Type.A);
        Message reply = DnsMessages.replyTo(query, Rcode.SERVFAIL);
        assertThat(reply.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(reply.getHeader().getID()).isEqualTo(query.getHeader().getID());
        assertThat(reply.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(reply.getQuestion()).isEqualTo(query.getQuestion());
        assertThat(reply.getOPT()).isNull();

        query.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        assertThat(DnsMessages.replyTo(query, Rcode.SERVFAIL).getOPT()).isNotNull();
    }

    @Test
    void udpAnswersAreLimitedTo512BytesOrWhatEdnsOffersUpTo1232() throws Exception {
        Message plain = query("web.", Type.A);
        assertThat(DnsMessages.maxUdpSize(plain)).isEqualTo(512);
        Message big = query("web.", Type.A);
        big.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        assertThat(DnsMessages.maxUdpSize(big)).isEqualTo(1232);
        Message small = query("web.", Type.A);
        small.addRecord(new OPTRecord(100, 0, 0), Section.ADDITIONAL);
        assertThat(DnsMessages.maxUdpSize(small)).isEqualTo(512);
    }

    @Test
    void anAnswerTooBigForUdpIsTruncatedWithTheTcFlag() throws Exception {
        List<dev.berth.api.EndpointAddress> many = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            many.add(DnsRecordsTest.ready("10.42.0." + i, "t" + i));
        }
        DnsRecords lots = DnsRecords.of(List.of(DnsRecordsTest.endpoints("big", "", EndpointMode.DNSRR,
                many.toArray(new dev.berth.api.EndpointAddress[0]))));
        Message reply = DnsMessages.clusterReply(query("big.", Type.A), lots.lookup("big"), 5, 0);

        byte[] udp = DnsMessages.toWire(reply, 512);
        assertThat(udp.length).isLessThanOrEqualTo(512);
        assertThat(new Message(udp).getHeader().getFlag(Flags.TC)).isTrue();
        byte[] tcp = DnsMessages.toWire(reply, DnsMessages.MAX_TCP_SIZE);
        assertThat(new Message(tcp).getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(answerIps(new Message(tcp))).hasSize(100);
    }

    @Test
    void relayedMessagesGetTheClientsId() throws Exception {
        Message query = query("example.com.", Type.A);
        byte[] wire = query.toWire();
        byte[] relayed = DnsMessages.withId(wire, 0xBEEF);
        assertThat(DnsMessages.id(relayed)).isEqualTo(0xBEEF);
        assertThat(new Message(relayed).getHeader().getID()).isEqualTo(0xBEEF);
        assertThat(DnsMessages.id(wire)).isEqualTo(query.getHeader().getID()); // the original is untouched
    }
}
