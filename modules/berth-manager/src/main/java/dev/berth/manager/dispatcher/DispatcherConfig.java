package dev.berth.manager.dispatcher;

import dev.berth.api.ClusterSpec;
import dev.berth.api.DispatcherSpec;
import dev.berth.api.validation.FieldError;
import dev.berth.api.validation.Validation;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How the dispatcher runs its sessions. The failure-detection timings come from the Cluster
 * object ({@code spec.dispatcher}, see {@link #from(ClusterSpec)}); the rest are tuning knobs of
 * this process.
 *
 * @param heartbeatPeriod how often agents heartbeat (sent to them in the Welcome)
 * @param livenessGrace how long a node that a session kept alive may be without a session key
 *     before a new leader marks it down (agents reconnecting after a manager restart); the
 *     cluster's {@code leaderChangeGrace}
 * @param statusBatchWindow how long status reports are collected before one write
 * @param statusBatchMax the most status updates written in one batch
 * @param heartbeatRecordPeriod how often a node's {@code status.lastHeartbeat} is rewritten while
 *     heartbeats arrive (rarely: the lease, not the Node object, says the node is alive)
 * @param helloTimeout how long a new connection may take to say Hello
 * @param lossDelay how long after its session key disappeared a node is marked down: an agent
 *     whose connection broke reconnects within it, and keeps its tasks; the cluster's
 *     {@code reconnectGrace}
 * @param heartbeatTimeout a session without heartbeats for this long ends; also the TTL of its
 *     lease (see {@link #sessionTtlSeconds()}); the cluster's {@code heartbeatTimeout}
 */
public record DispatcherConfig(Duration heartbeatPeriod, Duration livenessGrace, Duration statusBatchWindow,
        int statusBatchMax, Duration heartbeatRecordPeriod, Duration helloTimeout, Duration lossDelay,
        Duration heartbeatTimeout) {

    public static final Duration DEFAULT_HEARTBEAT_PERIOD = DispatcherSpec.DEFAULT_HEARTBEAT_PERIOD;

    public DispatcherConfig {
        heartbeatPeriod = heartbeatPeriod == null ? DEFAULT_HEARTBEAT_PERIOD : heartbeatPeriod;
        livenessGrace = livenessGrace == null ? DispatcherSpec.DEFAULT_LEADER_CHANGE_GRACE : livenessGrace;
        statusBatchWindow = statusBatchWindow == null ? Duration.ofMillis(50) : statusBatchWindow;
        heartbeatRecordPeriod = heartbeatRecordPeriod == null ? Duration.ofSeconds(30) : heartbeatRecordPeriod;
        helloTimeout = helloTimeout == null ? Duration.ofSeconds(10) : helloTimeout;
        lossDelay = lossDelay == null ? DispatcherSpec.DEFAULT_RECONNECT_GRACE : lossDelay;
        // two heartbeats at least, and never below what etcd grants a lease
        heartbeatTimeout = heartbeatTimeout == null
                ? max(DispatcherSpec.DEFAULT_HEARTBEAT_TIMEOUT, heartbeatPeriod.multipliedBy(2)) : heartbeatTimeout;
        if (heartbeatPeriod.toMillis() < 10) {
            throw new IllegalArgumentException("heartbeat period must be at least 10ms, got " + heartbeatPeriod);
        }
        if (statusBatchMax < 1) {
            throw new IllegalArgumentException("status batch size must be at least 1, got " + statusBatchMax);
        }
    }

    /**
     * The cluster's defaults ({@link DispatcherSpec#DEFAULT}: heartbeats every second, sessions
     * end after 2 s without one, nodes down 0.5 s after their session ended, 15 s of grace after a
     * leader change), status batches of 50 ms or 128 updates.
     */
    public static DispatcherConfig defaults() {
        return new DispatcherConfig(null, null, null, 128, null, null, null, null);
    }

    /**
     * The dispatcher settings of a cluster: its {@code spec.dispatcher} timings, defaults for
     * the rest.
     *
     * @throws IllegalArgumentException when the timings are invalid; the message names each bad
     *     field ({@code spec.dispatcher.heartbeatPeriod: must be between 100ms and 1m, got 50ms})
     */
    public static DispatcherConfig from(ClusterSpec cluster) {
        return defaults().withTimings(cluster);
    }

    /**
     * This config with the failure-detection timings of {@code cluster} (heartbeat period and
     * timeout, reconnect grace, leader-change grace); batching and the Hello timeout stay.
     *
     * @throws IllegalArgumentException when the timings are invalid, naming each bad field
     */
    public DispatcherConfig withTimings(ClusterSpec cluster) {
        List<FieldError> errors = Validation.clusterSpec(cluster);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid cluster settings: "
                    + errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        }
        DispatcherSpec d = cluster.dispatcher();
        return new DispatcherConfig(d.heartbeatPeriod(), d.leaderChangeGrace(), statusBatchWindow, statusBatchMax,
                heartbeatRecordPeriod, helloTimeout, d.reconnectGrace(), d.heartbeatTimeout());
    }

    /** This config with another heartbeat period; the heartbeat timeout stays (at least two periods). */
    public DispatcherConfig withHeartbeatPeriod(Duration period) {
        return new DispatcherConfig(period, livenessGrace, statusBatchWindow, statusBatchMax, heartbeatRecordPeriod,
                helloTimeout, lossDelay, max(heartbeatTimeout, period.multipliedBy(2)));
    }

    public DispatcherConfig withLivenessGrace(Duration grace) {
        return new DispatcherConfig(heartbeatPeriod, grace, statusBatchWindow, statusBatchMax, heartbeatRecordPeriod,
                helloTimeout, lossDelay, heartbeatTimeout);
    }

    public DispatcherConfig withLossDelay(Duration delay) {
        return new DispatcherConfig(heartbeatPeriod, livenessGrace, statusBatchWindow, statusBatchMax,
                heartbeatRecordPeriod, helloTimeout, delay, heartbeatTimeout);
    }

    public DispatcherConfig withHeartbeatTimeout(Duration timeout) {
        return new DispatcherConfig(heartbeatPeriod, livenessGrace, statusBatchWindow, statusBatchMax,
                heartbeatRecordPeriod, helloTimeout, lossDelay, timeout);
    }

    /**
     * The TTL of a session's lease, which is also how long a session may go without heartbeats:
     * the heartbeat timeout in whole seconds (rounded up), at least 2 s (etcd's leases count whole
     * seconds, and a single-member etcd grants nothing shorter anyway).
     */
    public long sessionTtlSeconds() {
        long millis = heartbeatTimeout.toMillis();
        return Math.max(2, (millis + 999) / 1000);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
