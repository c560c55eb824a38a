package dev.berth.agent.session;

import dev.berth.api.session.SessionMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How an {@link AgentSession} reaches its managers.
 *
 * @param managers manager API addresses, {@code host:port}, tried in order
 * @param stateDir where the node id is kept ({@code agent-node-id}) between runs
 * @param hello describes the node; asked again before every connection. When its nodeId is not
 *     empty that id is used (e.g. a manager's own agent uses the manager's node id); else the
 *     id the last Welcome gave, else the one in {@code <stateDir>/agent-node-id}, else none
 *     (the manager then gives one)
 * @param minBackoff the first delay before reconnecting
 * @param maxBackoff the longest delay between two attempts
 * @param tls the node's certificate, key and the cluster CA: the session then uses TLS with a
 *     client certificate (a manager's cluster port); empty for plain WebSockets (the local API)
 */
public record AgentSessionConfig(List<String> managers, Path stateDir, Supplier<SessionMessage.Hello> hello,
        Duration minBackoff, Duration maxBackoff, Optional<SessionTls> tls) {

    /** The file in the state directory that keeps the node id. */
    public static final String NODE_ID_FILE = "agent-node-id";
    public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

    public AgentSessionConfig {
        managers = List.copyOf(Objects.requireNonNull(managers, "managers"));
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(hello, "hello");
        minBackoff = minBackoff == null ? DEFAULT_MIN_BACKOFF : minBackoff;
        maxBackoff = maxBackoff == null ? DEFAULT_MAX_BACKOFF : maxBackoff;
        tls = tls == null ? Optional.empty() : tls;
        if (managers.isEmpty()) {
            throw new IllegalArgumentException("an agent needs at least one manager address");
        }
        for (String m : managers) {
            ManagerAddress.parse(m);
        }
        if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("reconnect backoff needs 0 < min <= max, got " + minBackoff + ".."
                    + maxBackoff);
        }
    }

    /** A config with the default backoff (200 ms doubling up to 10 s). */
    public static AgentSessionConfig of(List<String> managers, Path stateDir, Supplier<SessionMessage.Hello> hello) {
        return new AgentSessionConfig(managers, stateDir, hello, null, null, Optional.empty());
    }

    public AgentSessionConfig withBackoff(Duration min, Duration max) {
        return new AgentSessionConfig(managers, stateDir, hello, min, max, tls);
    }

    /** Sessions over TLS with the node certificate (to managers' cluster ports). */
    public AgentSessionConfig withTls(SessionTls material) {
        return new AgentSessionConfig(managers, stateDir, hello, minBackoff, maxBackoff, Optional.of(material));
    }

    /** {@code <stateDir>/agent-node-id}. */
    public Path nodeIdFile() {
        return stateDir.resolve(NODE_ID_FILE);
    }
}
