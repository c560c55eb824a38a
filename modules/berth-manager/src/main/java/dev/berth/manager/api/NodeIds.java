package dev.berth.manager.api;

import java.security.SecureRandom;
import java.util.Random;

/** Generates node ids as Swarm does: 25 random lower-case letters and digits. */
public final class NodeIds {

    /** The length of a node id. */
    public static final int LENGTH = 25;

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private NodeIds() {
    }

    /** A new random node id. */
    public static String random() {
        return random(RANDOM);
    }

    /** A new node id drawn from {@code random} (tests pass a seeded one). */
    public static String random(Random random) {
        StringBuilder out = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}
