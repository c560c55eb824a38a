package dev.berth.agent.session;

import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The status updates an agent has to send: those not yet sent in this session, in order, and
 * the newest one of every task it still runs, sent again after a reconnect (an update written
 * to a dying socket may never have arrived; the manager drops repeats at no cost). Thread-safe.
 */
final class StatusBuffer {

    private final int maxBatch;
    private final List<TaskStatusUpdate> pending = new ArrayList<>();
    private final Map<String, TaskStatusUpdate> latest = new LinkedHashMap<>();

    StatusBuffer(int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + maxBatch);
        }
        this.maxBatch = maxBatch;
    }

    /** Adds an update; returns true when a full batch is waiting (send it now). */
    synchronized boolean add(TaskStatusUpdate update) {
        pending.add(update);
        latest.remove(update.taskId());
        latest.put(update.taskId(), update);
        return pending.size() >= maxBatch;
    }

    /** The next batch to send (at most the batch size, oldest first), removed from the buffer. */
    synchronized List<TaskStatusUpdate> nextBatch() {
        int n = Math.min(maxBatch, pending.size());
        List<TaskStatusUpdate> batch = List.copyOf(pending.subList(0, n));
        pending.subList(0, n).clear();
        return batch;
    }

    /** Whether updates wait to be sent. */
    synchronized boolean hasPending() {
        return !pending.isEmpty();
    }

    /**
     * A new session starts: what was pending is replaced by the newest update of each task,
     * which is all the manager needs.
     */
    synchronized void reconnected() {
        pending.clear();
        pending.addAll(latest.values());
    }

    /** The manager says these tasks are no longer the node's: nothing more to tell about them. */
    synchronized void forget(Collection<String> taskIds) {
        taskIds.forEach(latest::remove);
    }

    /** The manager's full set: only these tasks (and updates not yet sent) are still of interest. */
    synchronized void retainOnly(Set<String> taskIds) {
        Set<String> waiting = new java.util.HashSet<>();
        pending.forEach(u -> waiting.add(u.taskId()));
        latest.keySet().removeIf(id -> !taskIds.contains(id) && !waiting.contains(id));
    }

    /** The number of tasks whose newest update is remembered (for tests and logs). */
    synchronized int remembered() {
        return latest.size();
    }
}
