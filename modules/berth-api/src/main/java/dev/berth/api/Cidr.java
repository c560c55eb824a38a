package dev.berth.api;

/**
 * An IPv4 network in CIDR notation ({@code 10.42.0.0/16}): parsing, containment, overlap and
 * carving subnets, for the cluster network's address plan. The address is kept as the network
 * address (host bits cleared).
 *
 * @param network the network address as an unsigned 32-bit value in an int
 * @param prefix the prefix length, 0 to 32
 */
public record Cidr(int network, int prefix) {

    public Cidr {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length must be 0 to 32, got " + prefix);
        }
        network = network & mask(prefix);
    }

    /**
     * Parses {@code a.b.c.d/n}.
     *
     * @throws IllegalArgumentException with a message that quotes the text
     */
    public static Cidr parse(String text) {
        String t = text == null ? "" : text.strip();
        int slash = t.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("\"" + t + "\" is not a CIDR (expected e.g. 10.42.0.0/16)");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + t + "\" is not a CIDR: bad prefix length");
        }
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("\"" + t + "\" is not a CIDR: prefix length must be 0 to 32");
        }
        int address;
        try {
            address = parseAddress(t.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + t + "\" is not a CIDR: " + e.getMessage());
        }
        if ((address & ~mask(prefix)) != 0) {
            throw new IllegalArgumentException("\"" + t + "\" has host bits set (did you mean "
                    + new Cidr(address, prefix) + "?)");
        }
        return new Cidr(address, prefix);
    }

    /**
     * Parses a dotted IPv4 address ({@code 10.42.0.5}) to an unsigned 32-bit value: four decimal
     * numbers 0..255, digits only, without leading zeros (which some tools read as octal).
     *
     * @throws IllegalArgumentException when the text is not such an address
     */
    public static int parseAddress(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address");
        }
        int value = 0;
        for (String part : parts) {
            boolean digits = !part.isEmpty() && part.length() <= 3 && part.chars().allMatch(c -> c >= '0' && c <= '9');
            if (!digits || (part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) {
                throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address");
            }
            value = (value << 8) | Integer.parseInt(part);
        }
        return value;
    }

    /** Whether the text is a dotted IPv4 address as {@link #parseAddress} reads it. */
    public static boolean isAddress(String text) {
        try {
            parseAddress(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The dotted form of an unsigned 32-bit address. */
    public static String formatAddress(int address) {
        return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** How many addresses the network spans. */
    public long size() {
        return 1L << (32 - prefix);
    }

    /** Whether the address lies in this network. */
    public boolean contains(String address) {
        return contains(parseAddress(address));
    }

    public boolean contains(int address) {
        return (address & mask(prefix)) == network;
    }

    /** Whether the two networks share an address. */
    public boolean overlaps(Cidr other) {
        int shorter = Math.min(prefix, other.prefix);
        return (network & mask(shorter)) == (other.network & mask(shorter));
    }

    /** How many subnets of prefix length {@code subPrefix} this network holds. */
    public long subnetCount(int subPrefix) {
        if (subPrefix < prefix || subPrefix > 32) {
            throw new IllegalArgumentException("a /" + subPrefix + " subnet does not fit in " + this);
        }
        return 1L << (subPrefix - prefix);
    }

    /** The {@code index}-th subnet of prefix length {@code subPrefix} (0-based). */
    public Cidr subnet(int subPrefix, long index) {
        if (index < 0 || index >= subnetCount(subPrefix)) {
            throw new IllegalArgumentException("subnet index " + index + " out of range for /" + subPrefix
                    + " in " + this);
        }
        return new Cidr(network + (int) (index << (32 - subPrefix)), subPrefix);
    }

    /** The {@code n}-th address of the network (0 is the network address itself). */
    public String host(long n) {
        if (n < 0 || n >= size()) {
            throw new IllegalArgumentException("address #" + n + " is outside " + this);
        }
        return formatAddress(network + (int) n);
    }

    /** The offset of an address inside this network. */
    public long offsetOf(String address) {
        int a = parseAddress(address);
        if (!contains(a)) {
            throw new IllegalArgumentException(address + " is outside " + this);
        }
        return Integer.toUnsignedLong(a - network);
    }

    /** The gateway address a bridge on this subnet takes: the first host. */
    public String gateway() {
        return host(1);
    }

    @Override
    public String toString() {
        return formatAddress(network) + "/" + prefix;
    }
}
