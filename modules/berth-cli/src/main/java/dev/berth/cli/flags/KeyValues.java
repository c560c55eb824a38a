package dev.berth.cli.flags;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses repeated {@code KEY=VALUE} flags ({@code -e}, {@code --label}). */
public final class KeyValues {

    private KeyValues() {
    }

    /**
     * {@code ["A=1", "B=x=y"]} to {@code {A=1, B=x=y}}: the value is everything after the first
     * {@code =} and may be empty; a later flag for the same key wins, as in docker.
     *
     * @param flag the flag's name, for the error message
     * @throws IllegalArgumentException for an entry without {@code =} or with an empty key
     */
    public static Map<String, String> parse(List<String> entries, String flag) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(flag + " \"" + entry + "\": expected KEY=VALUE");
            }
            map.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return map;
    }
}
