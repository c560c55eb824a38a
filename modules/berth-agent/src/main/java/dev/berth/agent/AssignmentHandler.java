package dev.berth.agent;

import dev.berth.api.session.SessionMessage;

/**
 * Receives the node's task assignments from the session (the seam between
 * {@link dev.berth.agent.session} and the task worker). Called on the session's thread; must not
 * block.
 */
public interface AssignmentHandler {

    /** A full set (first message of every session) or a delta. */
    void onAssignments(SessionMessage.Assignments assignments);
}
