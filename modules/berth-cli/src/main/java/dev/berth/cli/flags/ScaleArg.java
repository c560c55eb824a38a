package dev.berth.cli.flags;

/**
 * One argument of {@code berth service scale}: {@code whoami=5}.
 *
 * @param service the service name
 * @param replicas the new replica count (not checked here: the manager validates it)
 */
public record ScaleArg(String service, int replicas) {

    /**
     * Parses {@code NAME=N}.
     *
     * @throws IllegalArgumentException saying what is expected
     */
    public static ScaleArg parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new IllegalArgumentException("\"" + text + "\": expected SERVICE=REPLICAS, e.g. whoami=5");
        }
        String n = text.substring(eq + 1);
        try {
            return new ScaleArg(text.substring(0, eq), Integer.parseInt(n));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\": replicas must be an integer, got \"" + n + "\"");
        }
    }
}
