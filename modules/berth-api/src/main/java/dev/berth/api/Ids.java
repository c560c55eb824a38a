package dev.berth.api;

import java.security.SecureRandom;
import java.util.Random;

/**
 * Object ids as Swarm makes them: 25 random lower-case letters and digits (about 129 bits).
 * Tasks and nodes are named by such ids.
 */
public final class Ids {

    /** The length of an id. */
    public static final int LENGTH = 25;

    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** A new random id. */
    public static String random() {
        return random(RANDOM);
    }

    /** A new id drawn from {@code random} (tests pass a seeded one). */
    public static String random(Random random) {
        char[] id = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            id[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(id);
    }
}
