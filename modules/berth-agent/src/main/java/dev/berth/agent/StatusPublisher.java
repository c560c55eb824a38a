package dev.berth.agent;

import dev.berth.api.session.SessionMessage.TaskStatusUpdate;

/**
 * Where the task worker reports what it observed (the seam towards the session, which batches
 * the updates and sends them to the manager; while disconnected it keeps the newest update per
 * task and sends them on reconnect). Must not block.
 */
public interface StatusPublisher {

    void publish(TaskStatusUpdate update);
}
