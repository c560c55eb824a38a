package dev.berth.agent.health;

import dev.berth.api.HealthCheck;
import java.time.Instant;
import java.util.function.Consumer;

/** Runs the agent's own probes ({@code httpGet}, {@code tcp}) of running containers. */
public interface HealthProbes extends AutoCloseable {

    /**
     * Probes {@code address} per {@code check} every interval until the returned handle is
     * closed, and tells {@code onHealth} each change of health (never the same one twice).
     *
     * @param address the container's address on the cluster network
     * @param check an {@code httpGet} or {@code tcp} check
     * @param startedAt when the container started (for the start period)
     * @param initial the health to start from ({@code starting}, or {@code healthy} for an
     *     adopted container that was)
     * @param onHealth told each new health, on the prober's thread
     */
    AutoCloseable watch(String address, HealthCheck check, Instant startedAt, String initial,
            Consumer<String> onHealth);

    /** Stops every probe. */
    @Override
    void close();
}
