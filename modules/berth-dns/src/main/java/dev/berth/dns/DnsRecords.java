package dev.berth.dns;

import dev.berth.api.Cidr;
import dev.berth.api.EndpointAddress;
import dev.berth.api.EndpointMode;
import dev.berth.api.Endpoints;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable snapshot of the cluster's DNS names, built from the {@link Endpoints} objects, and
 * the decision which names it answers, which it denies and which it forwards.
 *
 * <p>A single-label name is a service name: {@code <service>} resolves to the service's virtual
 * IP (vip mode) or its ready task addresses (dnsrr mode). {@code tasks.<service>} resolves to the
 * ready task addresses in both modes. A single-label name that is not a service, and
 * {@code tasks.<x>} with no service {@code x}, do not exist (NXDOMAIN at once, so a client does
 * not wait for an upstream that cannot know them either). Every other name belongs to the
 * outside world and is forwarded. Names are case-insensitive, with or without the trailing dot.
 *
 * <p>Pure: no I/O, safe to share between threads; {@link ClusterDns} swaps whole snapshots.
 */
public final class DnsRecords {

    /** The prefix that turns a service name into the name of its tasks. */
    public static final String TASKS_PREFIX = "tasks.";

    private static final DnsRecords EMPTY = new DnsRecords(Map.of());

    /** What a name resolves to in the cluster. */
    private record Names(List<Inet4Address> service, List<Inet4Address> tasks) {
    }

    private final Map<String, Names> byService;

    private DnsRecords(Map<String, Names> byService) {
        this.byService = Map.copyOf(byService);
    }

    /** No services: every single-label name is NXDOMAIN, everything else forwarded. */
    public static DnsRecords empty() {
        return EMPTY;
    }

    /**
     * The records of these services. An address that is not an IPv4 literal is left out (the
     * cluster network is IPv4; an Endpoints object never holds anything else).
     */
    public static DnsRecords of(Collection<Endpoints> services) {
        Map<String, Names> byService = new HashMap<>();
        for (Endpoints endpoints : services) {
            String name = normalize(endpoints.metadata().name());
            if (name.isEmpty() || name.contains(".")) {
                continue; // not something a single-label query can ask for
            }
            List<Inet4Address> tasks = ipv4(endpoints.readyAddresses().stream().map(EndpointAddress::ip).toList());
            List<Inet4Address> service = endpoints.mode() == EndpointMode.DNSRR
                    ? tasks
                    : ipv4(endpoints.virtualIp().isEmpty() ? List.of() : List.of(endpoints.virtualIp()));
            byService.put(name, new Names(service, tasks));
        }
        return byService.isEmpty() ? EMPTY : new DnsRecords(byService);
    }

    /** The decision for one query name (any case, with or without the trailing dot). */
    public Answer lookup(String queryName) {
        String name = normalize(queryName);
        if (name.isEmpty()) {
            return Answer.FORWARD; // the root
        }
        int dot = name.indexOf('.');
        if (dot < 0) {
            Names names = byService.get(name);
            return names == null ? Answer.NXDOMAIN : Answer.addresses(names.service());
        }
        if (name.startsWith(TASKS_PREFIX) && name.indexOf('.', TASKS_PREFIX.length()) < 0) {
            Names names = byService.get(name.substring(TASKS_PREFIX.length()));
            return names == null ? Answer.NXDOMAIN : Answer.addresses(names.tasks());
        }
        return Answer.FORWARD;
    }

    /** The service names this snapshot knows, lower case. */
    public Set<String> services() {
        return byService.keySet();
    }

    /** Lower case, without the trailing dot: the form names are compared in. */
    public static String normalize(String name) {
        String lower = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static List<Inet4Address> ipv4(List<String> literals) {
        Set<Inet4Address> addresses = new LinkedHashSet<>();
        for (String literal : literals) {
            parseIpv4(literal).ifPresent(addresses::add);
        }
        return List.copyOf(new ArrayList<>(addresses));
    }

    /** Parses a dotted-quad literal without ever asking a resolver (InetAddress.getByName would). */
    static Optional<Inet4Address> parseIpv4(String literal) {
        if (!Cidr.isAddress(literal)) {
            return Optional.empty();
        }
        int value = Cidr.parseAddress(literal);
        byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }

    /**
     * What the cluster DNS does with one name.
     *
     * @param kind answer from the cluster, deny, or forward
     * @param addresses the cluster's addresses for the name (only for {@link Kind#CLUSTER}; may
     *     be empty: the name exists but has no address right now)
     */
    public record Answer(Kind kind, List<Inet4Address> addresses) {

        static final Answer NXDOMAIN = new Answer(Kind.NXDOMAIN, List.of());
        static final Answer FORWARD = new Answer(Kind.FORWARD, List.of());

        public Answer {
            Objects.requireNonNull(kind, "kind");
            addresses = List.copyOf(addresses);
        }

        static Answer addresses(List<Inet4Address> addresses) {
            return new Answer(Kind.CLUSTER, addresses);
        }
    }

    /** The three outcomes of a lookup. */
    public enum Kind {
        /** A cluster name: answered here, authoritatively. */
        CLUSTER,
        /** Looks like a cluster name but no such service: denied here. */
        NXDOMAIN,
        /** An outside name: the upstream resolvers answer it. */
        FORWARD
    }
}
