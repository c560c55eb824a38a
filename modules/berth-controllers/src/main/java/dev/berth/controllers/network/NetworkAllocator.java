package dev.berth.controllers.network;

import dev.berth.api.Cidr;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The cluster network's address allocator: picks the lowest free node subnet of the container
 * range and the lowest free address of the service range. Pure: the caller says what is taken.
 */
public final class NetworkAllocator {

    /**
     * The first service address handed out: offset 0 is the network address and offset 1 is
     * kept back (like Kubernetes' first service IP), so that no VIP looks like a gateway.
     */
    public static final long FIRST_VIRTUAL_IP_OFFSET = 2;

    private NetworkAllocator() {
    }

    /**
     * The lowest subnet of prefix {@code prefix} in {@code range} that overlaps none of
     * {@code taken}. Taken subnets outside the range are ignored; one of another size blocks every
     * subnet it overlaps.
     *
     * @param taken subnets already held, in CIDR notation; unparsable entries are ignored (they
     *     cannot block anything the parser can read either)
     * @return empty when every subnet is taken
     * @throws IllegalArgumentException when a /{@code prefix} does not fit in {@code range}
     */
    public static Optional<Cidr> nextSubnet(Cidr range, int prefix, Collection<String> taken) {
        long count = range.subnetCount(prefix);
        int shift = 32 - prefix;
        // each taken subnet blocks a run of candidate indexes [first, last]
        List<long[]> blocked = new ArrayList<>();
        for (String text : taken) {
            Optional<Cidr> parsed = tryParse(text);
            if (parsed.isEmpty() || !parsed.get().overlaps(range)) {
                continue;
            }
            Cidr t = parsed.get();
            if (t.prefix() < range.prefix()) {
                return Optional.empty(); // it covers the whole range
            }
            long start = Integer.toUnsignedLong(t.network() - range.network());
            long end = start + t.size() - 1;
            blocked.add(new long[] {start >>> shift, end >>> shift});
        }
        blocked.sort((a, b) -> Long.compare(a[0], b[0]));
        long candidate = 0;
        for (long[] run : blocked) {
            if (run[0] > candidate) {
                break;
            }
            candidate = Math.max(candidate, run[1] + 1);
        }
        return candidate < count ? Optional.of(range.subnet(prefix, candidate)) : Optional.empty();
    }

    /**
     * The lowest address of {@code range} from offset {@code firstOffset} on that is not in
     * {@code taken}. The range's last address (its broadcast address) is never handed out, unless
     * the range is a /31 or /32, which have none.
     *
     * @param taken addresses already held, dotted; entries outside the range or unparsable are
     *     ignored
     * @return empty when every address is taken
     */
    public static Optional<String> nextAddress(Cidr range, long firstOffset, Collection<String> taken) {
        long last = range.prefix() >= 31 ? range.size() - 1 : range.size() - 2;
        TreeSet<Long> used = new TreeSet<>();
        for (String address : taken) {
            if (isAddressIn(range, address)) {
                used.add(range.offsetOf(address));
            }
        }
        long candidate = Math.max(0, firstOffset);
        // the taken offsets at or after the start, in order: the first gap is the answer
        for (long offset : used.tailSet(candidate, true)) {
            if (offset != candidate) {
                break;
            }
            candidate++;
        }
        return candidate <= last ? Optional.of(range.host(candidate)) : Optional.empty();
    }

    /** Whether {@code address} is a dotted IPv4 address inside {@code range}. */
    public static boolean isAddressIn(Cidr range, String address) {
        try {
            return range.contains(address);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<Cidr> tryParse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Cidr.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
