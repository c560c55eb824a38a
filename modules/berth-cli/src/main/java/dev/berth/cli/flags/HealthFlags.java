package dev.berth.cli.flags;

import dev.berth.api.Durations;
import dev.berth.api.HealthCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The health-check flags of {@code berth service create}: Docker's {@code --health-cmd},
 * {@code --health-interval}, {@code --health-timeout}, {@code --health-retries} and
 * {@code --health-start-period}, plus Berth's agent-side probes {@code --health-http PORT[/PATH]}
 * and {@code --health-tcp PORT}. Each value is kept as typed (text) so that the error names the
 * flag; unset timings stay unset so that {@link HealthCheck} fills in the same defaults as for an
 * absent YAML field.
 *
 * @param cmd {@code --health-cmd}, run with {@code /bin/sh -c} as Docker's CMD-SHELL form does
 * @param http {@code --health-http}, e.g. {@code 8080} or {@code 8080/healthz}
 * @param tcp {@code --health-tcp}, a port
 * @param interval {@code --health-interval}, a duration like {@code 5s}
 * @param timeout {@code --health-timeout}
 * @param retries {@code --health-retries}
 * @param startPeriod {@code --health-start-period}
 */
public record HealthFlags(Optional<String> cmd, Optional<String> http, Optional<String> tcp,
        Optional<String> interval, Optional<String> timeout, Optional<Integer> retries,
        Optional<String> startPeriod) {

    /** No health flag at all. */
    public static final HealthFlags NONE = new HealthFlags(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /**
     * The health check these flags declare, or empty when none was given.
     *
     * @throws IllegalArgumentException naming the flag: two probes, a timing without a probe, a bad
     *     duration or port
     */
    public Optional<HealthCheck> toHealthCheck() {
        List<String> probes = new ArrayList<>();
        cmd.ifPresent(c -> probes.add("--health-cmd"));
        http.ifPresent(h -> probes.add("--health-http"));
        tcp.ifPresent(t -> probes.add("--health-tcp"));
        if (probes.size() > 1) {
            throw new IllegalArgumentException(String.join(" and ", probes)
                    + " given: a health check has one probe, choose one of --health-cmd, --health-http or --health-tcp");
        }
        if (probes.isEmpty()) {
            // a timing alone would be a check that checks nothing; say which flag is stray
            Optional<String> stray = interval.map(i -> "--health-interval")
                    .or(() -> timeout.map(t -> "--health-timeout"))
                    .or(() -> retries.map(r -> "--health-retries"))
                    .or(() -> startPeriod.map(s -> "--health-start-period"));
            if (stray.isPresent()) {
                throw new IllegalArgumentException(stray.get() + " needs a probe: add --health-cmd, --health-http"
                        + " or --health-tcp");
            }
            return Optional.empty();
        }
        if (cmd.isPresent() && cmd.get().isBlank()) {
            throw new IllegalArgumentException("--health-cmd must not be empty, e.g. --health-cmd \"wget -q -O- localhost\"");
        }
        return Optional.of(new HealthCheck(
                cmd.map(c -> List.of("/bin/sh", "-c", c)).orElse(null),
                http.map(HealthFlags::parseHttp),
                tcp.map(t -> new HealthCheck.TcpProbe(port("--health-tcp", t))),
                interval.map(v -> duration("--health-interval", v)).orElse(null),
                timeout.map(v -> duration("--health-timeout", v)).orElse(null),
                retries.orElse(null),
                startPeriod.map(v -> duration("--health-start-period", v)).orElse(null)));
    }

    /** {@code 8080} or {@code 8080/healthz} to its probe (the path keeps its leading slash). */
    static HealthCheck.HttpGetProbe parseHttp(String text) {
        int slash = text.indexOf('/');
        String portText = slash < 0 ? text : text.substring(0, slash);
        String path = slash < 0 ? null : text.substring(slash);
        return new HealthCheck.HttpGetProbe(path, port("--health-http", portText, text));
    }

    private static int port(String flag, String text) {
        return port(flag, text, text);
    }

    /** The port in {@code text}; the error quotes {@code whole}, the flag's value as typed. */
    private static int port(String flag, String text, String whole) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below with the flag's expected form
        }
        throw new IllegalArgumentException(flag + " \"" + whole + "\": expected a port between 1 and 65535"
                + (flag.equals("--health-http") ? ", optionally with a path, e.g. 8080/healthz" : ""));
    }

    private static Duration duration(String flag, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
        }
    }
}
