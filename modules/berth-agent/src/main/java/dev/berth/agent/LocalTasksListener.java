package dev.berth.agent;

import java.util.Map;

/**
 * Learns which tasks run on this node right now and at which container address (the seam
 * between the task worker and the node's networking, which publishes their ports). Called from a
 * worker thread after every change, with the whole set; must not block for long.
 */
@FunctionalInterface
public interface LocalTasksListener {

    /** Does nothing: for an agent without networking. */
    LocalTasksListener NONE = tasks -> {
    };

    /**
     * The tasks in state RUNNING on this node, by task id (an immutable map; empty when none).
     */
    void onRunningTasks(Map<String, RunningTask> tasks);
}
