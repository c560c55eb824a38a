package dev.berth.cli.flags;

import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --health-*} options, mixed into {@code service create} and {@code service update} so
 * that both spell, describe and read them the same way ({@link HealthFlags} turns them into a
 * check). On update, timing flags given alone keep the stored probe, as docker's do.
 */
public final class HealthOptions {

    @Option(names = "--health-cmd", paramLabel = "CMD",
            description = "Command run inside the container to check its health (with /bin/sh -c), as docker's.")
    String healthCmd;

    @Option(names = "--health-http", paramLabel = "PORT[/PATH]",
            description = "Health probe: an HTTP GET the agent sends to the task, e.g. 8080/healthz (2xx/3xx is healthy).")
    String healthHttp;

    @Option(names = "--health-tcp", paramLabel = "PORT",
            description = "Health probe: a TCP connection the agent opens to the task's port.")
    String healthTcp;

    @Option(names = "--health-interval", paramLabel = "DURATION",
            description = "Time between health checks, e.g. 5s (default 30s).")
    String healthInterval;

    @Option(names = "--health-timeout", paramLabel = "DURATION",
            description = "How long one health check may take (default 30s).")
    String healthTimeout;

    @Option(names = "--health-retries", paramLabel = "N",
            description = "Consecutive failures that make a task unhealthy (default 3).")
    Integer healthRetries;

    @Option(names = "--health-start-period", paramLabel = "DURATION",
            description = "Time after the start during which failed checks do not count (default 0s).")
    String healthStartPeriod;

    /** The flags as given (none given: every field empty). */
    public HealthFlags flags() {
        return new HealthFlags(Optional.ofNullable(healthCmd), Optional.ofNullable(healthHttp),
                Optional.ofNullable(healthTcp), Optional.ofNullable(healthInterval), Optional.ofNullable(healthTimeout),
                Optional.ofNullable(healthRetries), Optional.ofNullable(healthStartPeriod));
    }
}
