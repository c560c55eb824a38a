package dev.berth.api.join;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A join token, {@code BTHTKN-1-<CA fingerprint>-<secret>}: the lowercase hex SHA-256 of the
 * cluster CA certificate's DER encoding (64 characters), so a joining server can tell the right
 * manager from an impostor before it trusts anything, and a secret of 25 random lower-case
 * letters and digits, which tells the manager the server may join (and with which role).
 *
 * @param caFingerprint the CA certificate's SHA-256, lowercase hex
 * @param secret the role's secret
 */
public record JoinToken(String caFingerprint, String secret) {

    /** The first part of every token. */
    public static final String PREFIX = "BTHTKN";
    /** The token format's version. */
    public static final String VERSION = "1";
    /** The length of a secret. */
    public static final int SECRET_LENGTH = 25;

    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SECRET = Pattern.compile("[0-9a-z]{" + SECRET_LENGTH + "}");

    public JoinToken {
        if (caFingerprint == null || !FINGERPRINT.matcher(caFingerprint).matches()) {
            throw new IllegalArgumentException("a join token's CA fingerprint must be 64 lowercase hex digits");
        }
        if (secret == null || !SECRET.matcher(secret).matches()) {
            throw new IllegalArgumentException("a join token's secret must be " + SECRET_LENGTH
                    + " lower-case letters and digits");
        }
    }

    /**
     * Reads a token.
     *
     * @throws IllegalArgumentException naming what is wrong, never echoing the secret
     */
    public static JoinToken parse(String text) {
        String t = text == null ? "" : text.strip();
        String[] parts = t.split("-", -1);
        if (parts.length != 4 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("malformed join token: expected " + PREFIX + "-" + VERSION
                    + "-<CA fingerprint>-<secret>");
        }
        if (!parts[1].equals(VERSION)) {
            throw new IllegalArgumentException("unsupported join token version \"" + parts[1] + "\" (this Berth reads "
                    + VERSION + ")");
        }
        try {
            return new JoinToken(parts[2].toLowerCase(Locale.ROOT), parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed join token: " + e.getMessage().replace("a join token's ", ""));
        }
    }

    /** The lowercase hex SHA-256 of {@code der} (a certificate's DER encoding). */
    public static String fingerprint(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * Whether {@code other} equals this token's secret, in time that does not depend on where
     * they differ (a remote caller cannot find the secret a character at a time).
     */
    public boolean secretEquals(String other) {
        return constantTimeEquals(secret, other);
    }

    /** String equality in time independent of the position of the first difference. */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** The token as users copy it. */
    @Override
    public String toString() {
        return PREFIX + "-" + VERSION + "-" + caFingerprint + "-" + secret;
    }
}
