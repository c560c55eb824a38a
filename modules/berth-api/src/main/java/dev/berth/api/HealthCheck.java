package dev.berth.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a task tells "started" from "ready": a command run inside the container (Docker's
 * HEALTHCHECK, run by the engine), or an HTTP GET or a TCP connect the agent makes to the
 * container's address on the cluster network. Exactly one of {@code cmd}, {@code httpGet} and
 * {@code tcp}; {@link #NONE} (the default) has none and means "no health check": the task is
 * ready once it runs.
 *
 * <p>A task with a health check is {@code starting} until its first success, {@code healthy}
 * after it, and {@code unhealthy} after {@code retries} consecutive failures (failures within
 * {@code startPeriod} do not count): an unhealthy task fails ({@code unhealthy container}) and
 * is replaced per its restart policy, as Swarm does. Only running tasks that are healthy, or
 * have no health check, receive traffic (DNS, virtual IPs, the routing mesh).
 *
 * @param cmd the command in exec form, e.g. {@code [/bin/sh, -c, "wget -q -O- localhost:4567"]}
 *     (the CLI's {@code --health-cmd "…"} gives that form); empty when another probe is used
 * @param httpGet an HTTP GET the agent sends; healthy on a 2xx or 3xx answer
 * @param tcp a TCP connection the agent opens; healthy when it connects
 * @param interval time between checks (Docker's default: 30s)
 * @param timeout how long one check may take (default 30s)
 * @param retries consecutive failures that make the task unhealthy (default 3)
 * @param startPeriod time after the start during which failures do not count (default 0s)
 */
public record HealthCheck(List<String> cmd, Optional<HttpGetProbe> httpGet, Optional<TcpProbe> tcp,
        Duration interval, Duration timeout, Integer retries, Duration startPeriod) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_RETRIES = 3;

    /** No health check. */
    public static final HealthCheck NONE = new HealthCheck(null, null, null, null, null, null, null);

    public HealthCheck {
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        httpGet = httpGet == null ? Optional.empty() : httpGet;
        tcp = tcp == null ? Optional.empty() : tcp;
        interval = interval == null ? DEFAULT_INTERVAL : interval;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        retries = retries == null ? DEFAULT_RETRIES : retries;
        startPeriod = startPeriod == null ? Duration.ZERO : startPeriod;
    }

    /** Whether there is no probe at all (validation refuses other fields without one). */
    public boolean isNone() {
        return cmd.isEmpty() && httpGet.isEmpty() && tcp.isEmpty();
    }

    /**
     * An HTTP GET to the container's address on the cluster network.
     *
     * @param path the request path (default {@code /})
     * @param port the container port
     */
    public record HttpGetProbe(String path, int port) {
        public HttpGetProbe {
            path = path == null || path.isBlank() ? "/" : path;
        }
    }

    /**
     * A TCP connection to the container's address on the cluster network.
     *
     * @param port the container port
     */
    public record TcpProbe(int port) {
    }

    /** Leaves {@link #NONE} out of the YAML/JSON form, as Resources does for empty ones. */
    public static final class OmitNone {
        @Override
        public boolean equals(Object other) {
            return other instanceof HealthCheck h && h.equals(NONE);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
