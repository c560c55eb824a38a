package dev.berth.api;

import java.time.Duration;

/**
 * The failure-detection timings of the cluster, the {@code dispatcher} part of the Cluster
 * object's spec (Swarm keeps {@code heartbeatPeriod} at the same place). Every manager's
 * dispatcher reads them when it starts.
 *
 * <p>The defaults aim at "node lost, every replacement running within 5 s": an agent whose
 * process dies closes its connection at once, its session ends and the node is down
 * {@code reconnectGrace} (0.5 s) later; a node whose link is cut is noticed by the missing
 * heartbeats, after {@code heartbeatTimeout} (2 s, plus up to 0.5 s until etcd expires the
 * session's lease), and is down {@code reconnectGrace} after that: about 3 s in the worst case,
 * which leaves time to schedule and start the replacements.
 *
 * @param heartbeatPeriod how often agents send a heartbeat (default 1s)
 * @param heartbeatTimeout a session without heartbeats for this long ends (it is also the TTL of
 *     the session's etcd lease, so a whole number of seconds, at least 2s; default 2s)
 * @param reconnectGrace how long after a node's session ended the node is marked down: an agent
 *     whose connection merely broke reconnects within it and keeps its tasks (default 500ms)
 * @param leaderChangeGrace how long a newly elected leader waits for the agents to reconnect
 *     before it marks nodes without a session down (default 15s)
 */
public record DispatcherSpec(Duration heartbeatPeriod, Duration heartbeatTimeout, Duration reconnectGrace,
        Duration leaderChangeGrace) {

    public static final Duration DEFAULT_HEARTBEAT_PERIOD = Duration.ofSeconds(1);
    public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RECONNECT_GRACE = Duration.ofMillis(500);
    public static final Duration DEFAULT_LEADER_CHANGE_GRACE = Duration.ofSeconds(15);

    public static final DispatcherSpec DEFAULT = new DispatcherSpec(null, null, null, null);

    public DispatcherSpec {
        heartbeatPeriod = heartbeatPeriod == null ? DEFAULT_HEARTBEAT_PERIOD : heartbeatPeriod;
        heartbeatTimeout = heartbeatTimeout == null ? DEFAULT_HEARTBEAT_TIMEOUT : heartbeatTimeout;
        reconnectGrace = reconnectGrace == null ? DEFAULT_RECONNECT_GRACE : reconnectGrace;
        leaderChangeGrace = leaderChangeGrace == null ? DEFAULT_LEADER_CHANGE_GRACE : leaderChangeGrace;
    }
}
