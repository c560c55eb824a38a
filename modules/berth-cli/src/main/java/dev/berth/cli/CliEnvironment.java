package dev.berth.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * What the CLI takes from the process it runs in: environment variables, the home directory,
 * standard input and the clock. Tests give their own, so that they never read the real
 * {@code ~/.berth/config} and can fix the time.
 *
 * @param env environment variables ({@code BERTH_HOST}, {@code HOME})
 * @param home the user's home directory ({@code $HOME}, else {@code user.home})
 * @param stdin what {@code apply -f -} reads
 * @param clock for ages in tables
 */
public record CliEnvironment(Map<String, String> env, Path home, InputStream stdin, Clock clock) {

    public CliEnvironment {
        env = Map.copyOf(env);
    }

    /** The environment of this process. */
    public static CliEnvironment system() {
        Map<String, String> env = System.getenv();
        String home = Optional.ofNullable(env.get("HOME")).filter(h -> !h.isBlank())
                .orElse(System.getProperty("user.home"));
        return new CliEnvironment(env, Path.of(home), System.in, Clock.systemUTC());
    }

    /** An environment with only a home directory, for tests. */
    public static CliEnvironment ofHome(Path home) {
        return new CliEnvironment(Map.of("HOME", home.toString()), home, InputStream.nullInputStream(),
                Clock.systemUTC());
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }

    public CliEnvironment withStdin(InputStream in) {
        return new CliEnvironment(env, home, in, clock);
    }

    public CliEnvironment withClock(Clock newClock) {
        return new CliEnvironment(env, home, stdin, newClock);
    }
}
