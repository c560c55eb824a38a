package dev.berth.manager.dispatcher;

import dev.berth.api.Kind;
import dev.berth.api.Task;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import dev.berth.store.ObjectStore;
import dev.berth.store.StoreException;
import dev.berth.store.WriteOp;
import dev.berth.store.informer.Informer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Writes the agents' status reports to etcd: collects them for up to a window (or until a batch
 * is full), keeps what {@link StatusRules} accepts, and commits each batch as one transaction of
 * CAS updates. On a conflict it reads the batch's tasks again and retries. One thread per
 * manager, shared by all sessions.
 */
final class StatusIngest implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(StatusIngest.class);
    private static final int ATTEMPTS = 5;
    private static final int MAX_REMEMBERED = 10_000;

    /** One update as a node reported it. */
    private record Report(String nodeId, TaskStatusUpdate update) {
    }

    private final ObjectStore store;
    private final Informer<Task> tasks;
    private final Clock clock;
    private final Duration window;
    private final int maxBatch;
    private final LinkedBlockingQueue<Report> queue = new LinkedBlockingQueue<>();
    /**
     * Tasks as this ingest last wrote them, until the informer has caught up: the next report of
     * the same task then starts from the right version instead of hitting a conflict.
     */
    private final Map<String, Task> written = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    StatusIngest(ObjectStore store, Informer<Task> tasks, Clock clock, Duration window, int maxBatch) {
        this.store = store;
        this.tasks = tasks;
        this.clock = clock;
        this.window = window;
        this.maxBatch = Math.min(maxBatch, store.maxTxnOps());
        this.thread = new Thread(this::run, "berth-status-ingest");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues the updates a node reported; never blocks. */
    void submit(String nodeId, List<TaskStatusUpdate> updates) {
        for (TaskStatusUpdate u : updates) {
            queue.add(new Report(nodeId, u));
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Report> batch = new ArrayList<>();
        while (!closed) {
            try {
                Report first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + window.toNanos();
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Report next = left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                write(batch);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.warn("cannot write {} task status update(s): {}", batch.size(), e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    /** Writes one batch: the updates of each task folded into one CAS update. */
    private void write(List<Report> batch) {
        Map<String, List<Report>> byTask = new LinkedHashMap<>();
        for (Report r : batch) {
            byTask.computeIfAbsent(r.update().taskId(), k -> new ArrayList<>()).add(r);
        }
        List<String> ids = new ArrayList<>(byTask.keySet());
        for (int attempt = 1; !ids.isEmpty(); attempt++) {
            boolean fresh = attempt > 1;
            List<Task> updated = new ArrayList<>();
            for (String id : ids) {
                Optional<Task> current = fresh ? store.get(Kind.TASK, id) : cached(id);
                if (current.isEmpty()) {
                    LOG.debug("status update for unknown task {} dropped", id);
                    continue;
                }
                Task task = current.get();
                for (Report r : byTask.get(id)) {
                    task = StatusRules.applyAll(task, r.nodeId(), List.of(r.update()), clock.instant()).orElse(task);
                }
                if (task != current.get()) {
                    updated.add(task);
                }
            }
            if (updated.isEmpty()) {
                return;
            }
            try {
                List<WriteOp> ops = new ArrayList<>(updated.size());
                updated.forEach(t -> ops.add(WriteOp.update(t)));
                List<?> stored = store.commit(ops).stored();
                for (Object o : stored) {
                    Task t = (Task) o;
                    written.put(t.id(), t);
                }
                if (written.size() > MAX_REMEMBERED) {
                    written.clear();
                }
                return;
            } catch (StoreException.Conflict e) {
                if (attempt >= ATTEMPTS) {
                    LOG.warn("task status updates of {} dropped after {} conflicts", ids, attempt);
                    return;
                }
                ids = updated.stream().map(Task::id).toList();
            }
        }
    }

    /** The newest copy known without asking etcd: the informer's, or what this ingest wrote last. */
    private Optional<Task> cached(String id) {
        Optional<Task> informed = tasks.get(id);
        Task mine = written.get(id);
        if (mine == null) {
            return informed;
        }
        if (informed.isPresent()
                && informed.get().metadata().resourceVersion() >= mine.metadata().resourceVersion()) {
            written.remove(id, mine);
            return informed;
        }
        // The informer has not seen our write yet, or saw the task deleted after it.
        return informed.isEmpty() ? Optional.empty() : Optional.of(mine);
    }
}
