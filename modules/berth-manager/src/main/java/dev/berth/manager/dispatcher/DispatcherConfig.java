package dev.berth.manager.dispatcher;

import java.time.Duration;

/**
 * How the dispatcher runs its sessions.
 *
 * @param heartbeatPeriod how often agents heartbeat (sent to them in the Welcome)
 * @param livenessGrace how long a node that a session kept alive may be without a session key
 *     before a new leader marks it down (agents reconnecting after a manager restart)
 * @param statusBatchWindow how long status reports are collected before one write
 * @param statusBatchMax the most status updates written in one batch
 * @param heartbeatRecordPeriod how often a node's {@code status.lastHeartbeat} is rewritten while
 *     heartbeats arrive (rarely: the lease, not the Node object, says the node is alive)
 * @param helloTimeout how long a new connection may take to say Hello
 * @param lossDelay how long after its session key disappeared a node is marked down (about one
 *     heartbeat: an agent whose connection broke reconnects within it, and keeps its tasks)
 */
public record DispatcherConfig(Duration heartbeatPeriod, Duration livenessGrace, Duration statusBatchWindow,
        int statusBatchMax, Duration heartbeatRecordPeriod, Duration helloTimeout, Duration lossDelay) {

    public static final Duration DEFAULT_HEARTBEAT_PERIOD = Duration.ofSeconds(1);

    public DispatcherConfig {
        heartbeatPeriod = heartbeatPeriod == null ? DEFAULT_HEARTBEAT_PERIOD : heartbeatPeriod;
        livenessGrace = livenessGrace == null ? Duration.ofSeconds(15) : livenessGrace;
        statusBatchWindow = statusBatchWindow == null ? Duration.ofMillis(50) : statusBatchWindow;
        heartbeatRecordPeriod = heartbeatRecordPeriod == null ? Duration.ofSeconds(30) : heartbeatRecordPeriod;
        helloTimeout = helloTimeout == null ? Duration.ofSeconds(10) : helloTimeout;
        lossDelay = lossDelay == null ? heartbeatPeriod : lossDelay;
        if (heartbeatPeriod.toMillis() < 10) {
            throw new IllegalArgumentException("heartbeat period must be at least 10ms, got " + heartbeatPeriod);
        }
        if (statusBatchMax < 1) {
            throw new IllegalArgumentException("status batch size must be at least 1, got " + statusBatchMax);
        }
    }

    /**
     * Heartbeats every second, 15 s of grace after a leader change, 1 s after a session ended,
     * status batches of 50 ms or 128 updates.
     */
    public static DispatcherConfig defaults() {
        return new DispatcherConfig(null, null, null, 128, null, null, null);
    }

    public DispatcherConfig withHeartbeatPeriod(Duration period) {
        return new DispatcherConfig(period, livenessGrace, statusBatchWindow, statusBatchMax, heartbeatRecordPeriod,
                helloTimeout, lossDelay);
    }

    public DispatcherConfig withLivenessGrace(Duration grace) {
        return new DispatcherConfig(heartbeatPeriod, grace, statusBatchWindow, statusBatchMax, heartbeatRecordPeriod,
                helloTimeout, lossDelay);
    }

    public DispatcherConfig withLossDelay(Duration delay) {
        return new DispatcherConfig(heartbeatPeriod, livenessGrace, statusBatchWindow, statusBatchMax,
                heartbeatRecordPeriod, helloTimeout, delay);
    }

    /**
     * The TTL of a session's lease: three heartbeats, at least 2 s (etcd's leases count whole
     * seconds, and a single-member etcd grants nothing shorter anyway).
     */
    public long sessionTtlSeconds() {
        long millis = heartbeatPeriod.toMillis() * 3;
        return Math.max(2, (millis + 999) / 1000);
    }
}
