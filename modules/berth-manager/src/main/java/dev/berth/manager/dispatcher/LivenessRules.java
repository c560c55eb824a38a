package dev.berth.manager.dispatcher;

import dev.berth.api.Node;
import dev.berth.api.NodeState;
import java.time.Duration;
import java.time.Instant;

/**
 * How the leader turns a node's session key into the node's state (pure).
 *
 * <ul>
 *   <li>A node with an open session is {@code ready}.</li>
 *   <li>A ready node whose session key was seen disappearing is {@code down} after a short
 *       delay (the agent closed its session, or stopped heartbeating and its lease was revoked or
 *       expired); the delay, the cluster's {@code reconnectGrace} (0.5 s by default), lets an
 *       agent whose connection merely broke come back before all its tasks are replaced.</li>
 *   <li>A ready node that a session once kept alive (its status message is
 *       {@link #SESSION_OPEN}) but has no session key now, without that disappearance having
 *       been seen (a new leader, or a Hello whose session died before its key was written), is
 *       {@code down} after a grace period: after a manager restart the agents need a moment to
 *       reconnect, and marking their nodes down at once would replace every task.</li>
 *   <li>Nodes registered only through the HTTP API, never through a session, are left alone.</li>
 * </ul>
 */
public final class LivenessRules {

    /** The status message of a node registered or revived by a session. */
    public static final String SESSION_OPEN = "connected";
    /** The status message of a node whose session ended. */
    public static final String SESSION_LOST = "heartbeat lost";

    private LivenessRules() {
    }

    /** What to do with a node. */
    public sealed interface Verdict {
    }

    /** Nothing to write. */
    public record Keep() implements Verdict {
    }

    /** Write the node {@code ready} ({@link #SESSION_OPEN}). */
    public record MarkReady() implements Verdict {
    }

    /** Write the node {@code down} ({@link #SESSION_LOST}). */
    public record MarkDown() implements Verdict {
    }

    /** Look again at {@code at}: the grace period is not over yet. */
    public record RecheckAt(Instant at) implements Verdict {
    }

    /**
     * Decides about one node.
     *
     * @param node the node as stored
     * @param sessionOpen whether its session key exists
     * @param lossSeen whether the key was seen disappearing (and has not come back since)
     * @param absentSince since when the key is known to be missing (for the grace period)
     * @param now the time now
     * @param grace how long a missing key is tolerated when its disappearance was not seen
     * @param lossDelay how long a key seen disappearing is tolerated
     */
    public static Verdict decide(Node node, boolean sessionOpen, boolean lossSeen, Instant absentSince,
            Instant now, Duration grace, Duration lossDelay) {
        NodeState state = node.status().state();
        if (sessionOpen) {
            return state == NodeState.READY ? new Keep() : new MarkReady();
        }
        if (state != NodeState.READY) {
            return new Keep();
        }
        Instant deadline;
        if (lossSeen) {
            deadline = absentSince.plus(lossDelay);
        } else if (SESSION_OPEN.equals(node.status().message())) {
            deadline = absentSince.plus(grace);
        } else {
            return new Keep();
        }
        return now.isBefore(deadline) ? new RecheckAt(deadline) : new MarkDown();
    }
}
