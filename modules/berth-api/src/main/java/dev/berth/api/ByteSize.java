package dev.berth.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of memory, written like Kubernetes quantities: {@code 64Mi}, {@code 1Gi},
 * {@code 500M}, or a plain number of bytes.
 *
 * @param bytes the amount in bytes, never negative
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {

    public static final ByteSize ZERO = new ByteSize(0);

    private static final Pattern FORMAT = Pattern.compile("(\\d+)(|k|K|M|G|T|Ki|Mi|Gi|Ti)");
    private static final String[] BINARY_UNITS = {"Ti", "Gi", "Mi", "Ki"};

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative, got " + bytes);
        }
    }

    /**
     * Parses {@code 64Mi}, {@code 1Gi}, {@code 500M}, {@code 1024}.
     *
     * @throws IllegalArgumentException with a message saying what is accepted
     */
    public static ByteSize parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size like 64Mi, 1Gi, 500M or a number of bytes, got \""
                    + text + "\"");
        }
        long n = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
            case "" -> 1L;
            case "k", "K" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            case "T" -> 1_000_000_000_000L;
            case "Ki" -> 1L << 10;
            case "Mi" -> 1L << 20;
            case "Gi" -> 1L << 30;
            case "Ti" -> 1L << 40;
            default -> throw new IllegalStateException(m.group(2));
        };
        try {
            return new ByteSize(Math.multiplyExact(n, unit));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("size \"" + text + "\" is too large", e);
        }
    }

    public static ByteSize ofMebibytes(long mib) {
        return new ByteSize(mib << 20);
    }

    public boolean isZero() {
        return bytes == 0;
    }

    public ByteSize plus(ByteSize other) {
        return new ByteSize(bytes + other.bytes);
    }

    public ByteSize minus(ByteSize other) {
        return new ByteSize(Math.max(0, bytes - other.bytes));
    }

    @Override
    public int compareTo(ByteSize o) {
        return Long.compare(bytes, o.bytes);
    }

    /** The shortest exact form in binary units: {@code 64Mi}, {@code 1536Ki}, {@code 100}. */
    @Override
    public String toString() {
        if (bytes == 0) {
            return "0";
        }
        for (int i = 0; i < BINARY_UNITS.length; i++) {
            long unit = 1L << (10 * (BINARY_UNITS.length - i));
            if (bytes % unit == 0) {
                return (bytes / unit) + BINARY_UNITS[i];
            }
        }
        return Long.toString(bytes);
    }

    /** A human reading for tables: {@code 1.5GiB}, {@code 64MiB}. */
    public String human() {
        double v = bytes;
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return (v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.1f", v)) + units[i];
    }
}
