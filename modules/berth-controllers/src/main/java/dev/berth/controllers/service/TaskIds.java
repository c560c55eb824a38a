package dev.berth.controllers.service;

import java.security.SecureRandom;
import java.util.function.Supplier;

/**
 * Generates task ids like Swarm's: 25 random lowercase letters and digits (about 129 bits).
 */
public final class TaskIds implements Supplier<String> {

    /** The length of an id. */
    public static final int LENGTH = 25;
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    private final SecureRandom random = new SecureRandom();

    @Override
    public String get() {
        char[] id = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }
}
