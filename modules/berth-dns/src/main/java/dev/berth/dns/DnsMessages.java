package dev.berth.dns;

import java.net.Inet4Address;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The DNS messages the cluster DNS builds and checks: replies from the cluster's records, error
 * replies, and the size limits of UDP answers. Pure (no I/O), on dnsjava's wire format.
 */
public final class DnsMessages {

    /** The UDP payload every client accepts (RFC 1035) when its query has no EDNS record. */
    public static final int CLASSIC_UDP_SIZE = 512;
    /** The most this server sends over UDP even when a client offers more (RFC 9715 advice). */
    public static final int MAX_UDP_SIZE = 1232;
    /** The most a TCP message can carry behind its two-byte length. */
    public static final int MAX_TCP_SIZE = 65535;

    private DnsMessages() {
    }

    /** What to do with a parsed incoming message before looking at its name. */
    public enum Check {
        /** One question, a standard query: answer it. */
        QUERY,
        /** A response, not a query: never answer (that is how reflection loops start). */
        DROP,
        /** Not exactly one question. */
        FORMERR,
        /** An opcode other than QUERY (NOTIFY, UPDATE...). */
        NOTIMP
    }

    /** Checks an incoming message. */
    public static Check check(Message message) {
        Header header = message.getHeader();
        if (header.getFlag(Flags.QR)) {
            return Check.DROP;
        }
        if (header.getOpcode() != Opcode.QUERY) {
            return Check.NOTIMP;
        }
        if (message.getSection(Section.QUESTION).size() != 1) {
            return Check.FORMERR;
        }
        return Check.QUERY;
    }

    /**
     * The authoritative reply for a cluster name: A records for A and ANY questions (rotated so
     * that clients which take the first address spread over all of them), no answer (NOERROR) for
     * any other type of a name that exists, NXDOMAIN for a denied one.
     *
     * @param query the checked query
     * @param answer the cluster's decision for the question's name ({@link DnsRecords.Kind#CLUSTER}
     *     or {@link DnsRecords.Kind#NXDOMAIN})
     * @param ttlSeconds the records' TTL
     * @param rotation how far to rotate the addresses (any int; taken modulo their count)
     */
    public static Message clusterReply(Message query, DnsRecords.Answer answer, long ttlSeconds, int rotation) {
        if (answer.kind() == DnsRecords.Kind.FORWARD) {
            throw new IllegalArgumentException("an outside name has no cluster reply");
        }
        Message reply = replyTo(query, answer.kind() == DnsRecords.Kind.NXDOMAIN ? Rcode.NXDOMAIN : Rcode.NOERROR);
        reply.getHeader().setFlag(Flags.AA);
        Record question = query.getQuestion();
        boolean wantsA = question.getType() == Type.A || question.getType() == Type.ANY;
        boolean inClass = question.getDClass() == DClass.IN || question.getDClass() == DClass.ANY;
        if (answer.kind() == DnsRecords.Kind.CLUSTER && wantsA && inClass) {
            List<Inet4Address> addresses = answer.addresses();
            int size = addresses.size();
            for (int i = 0; i < size; i++) {
                Inet4Address address = addresses.get(Math.floorMod(rotation + i, size));
                reply.addRecord(new ARecord(question.getName(), DClass.IN, ttlSeconds, address), Section.ANSWER);
            }
        }
        return reply;
    }

    /**
     * A reply with this rcode and no records: the query's id, question, RD flag; RA set because
     * this server does recursion for the client (by forwarding). An EDNS query gets an EDNS reply.
     */
    public static Message replyTo(Message query, int rcode) {
        Message reply = new Message(query.getHeader().getID());
        Header header = reply.getHeader();
        header.setFlag(Flags.QR);
        header.setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            header.setFlag(Flags.RD);
        }
        header.setOpcode(query.getHeader().getOpcode());
        header.setRcode(rcode);
        Record question = query.getQuestion();
        if (question != null && query.getSection(Section.QUESTION).size() == 1) {
            reply.addRecord(question, Section.QUESTION);
        }
        if (query.getOPT() != null) {
            reply.addRecord(new OPTRecord(MAX_UDP_SIZE, 0, 0), Section.ADDITIONAL);
        }
        return reply;
    }

    /**
     * The largest UDP answer this client accepts: 512 bytes, or what its EDNS record offers
     * (at most {@value #MAX_UDP_SIZE}, so that answers are not fragmented).
     */
    public static int maxUdpSize(Message query) {
        OPTRecord opt = query.getOPT();
        if (opt == null) {
            return CLASSIC_UDP_SIZE;
        }
        return Math.max(CLASSIC_UDP_SIZE, Math.min(MAX_UDP_SIZE, opt.getPayloadSize()));
    }

    /** The wire form, cut to maxLength with the TC flag set when it does not fit (the client retries over TCP). */
    public static byte[] toWire(Message message, int maxLength) {
        return message.toWire(maxLength);
    }

    /** The message id of a wire message (its first two bytes). */
    public static int id(byte[] wire) {
        return ((wire[0] & 0xff) << 8) | (wire[1] & 0xff);
    }

    /** A copy of a wire message with another id: relays an upstream's answer byte for byte. */
    public static byte[] withId(byte[] wire, int id) {
        byte[] copy = wire.clone();
        copy[0] = (byte) (id >>> 8);
        copy[1] = (byte) id;
        return copy;
    }
}
