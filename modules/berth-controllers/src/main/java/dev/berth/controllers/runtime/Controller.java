package dev.berth.controllers.runtime;

import dev.berth.store.StoreException;
import dev.berth.store.informer.Informer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A running control loop: a {@link WorkQueue} of keys drained by worker threads that call a
 * {@link Reconciler}. Informer handlers feed the queue through {@link #enqueue}; the result of each
 * reconcile decides whether the key comes back (after a delay, or with backoff on error).
 *
 * <p>The informers are listed only so that the loop's inputs are explicit; they are started and
 * closed by whoever owns them (the {@code ControllerManager}).
 *
 * @param <K> the key type
 */
public final class Controller<K> implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(Controller.class);

    private final String name;
    private final List<Informer<?>> informers;
    private final Reconciler<K> reconciler;
    private final int workers;
    private final ScheduledExecutorService timer;
    private final boolean ownsTimer;
    private final WorkQueue<K> queue;
    private final List<Thread> threads = new ArrayList<>();
    private boolean started;
    private boolean stopped;

    /** A controller with its own timer thread for delayed keys. */
    public Controller(String name, List<Informer<?>> informers, Reconciler<K> reconciler, int workers,
            Clock clock) {
        this(name, informers, reconciler, workers, clock, newTimer(name), true);
    }

    /** A controller whose delayed keys are woken by {@code timer} (not shut down by {@link #stop}). */
    public Controller(String name, List<Informer<?>> informers, Reconciler<K> reconciler, int workers,
            Clock clock, ScheduledExecutorService timer) {
        this(name, informers, reconciler, workers, clock, timer, false);
    }

    private Controller(String name, List<Informer<?>> informers, Reconciler<K> reconciler, int workers,
            Clock clock, ScheduledExecutorService timer, boolean ownsTimer) {
        if (workers < 1) {
            throw new IllegalArgumentException("a controller needs at least one worker, got " + workers);
        }
        this.name = name;
        this.informers = List.copyOf(informers);
        this.reconciler = reconciler;
        this.workers = workers;
        this.timer = timer;
        this.ownsTimer = ownsTimer;
        this.queue = new WorkQueue<>(clock, timer);
    }

    private static ScheduledExecutorService newTimer(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "berth-" + name + "-timer");
            t.setDaemon(true);
            return t;
        });
    }

    public String name() {
        return name;
    }

    public List<Informer<?>> informers() {
        return informers;
    }

    /** The queue, e.g. for informer handlers that compute keys themselves. */
    public WorkQueue<K> queue() {
        return queue;
    }

    /** Puts {@code key} on the queue; safe to call from informer handlers (never blocks). */
    public void enqueue(K key) {
        queue.add(key);
    }

    /** Starts the worker threads. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("controller " + name + " was already started");
        }
        started = true;
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, "berth-" + name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        LOG.debug("controller {} started with {} worker(s)", name, workers);
    }

    private void work() {
        while (true) {
            Optional<K> next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (next.isEmpty()) {
                return;
            }
            K key = next.get();
            try {
                handle(key, runOnce(key));
            } finally {
                queue.done(key);
            }
        }
    }

    private Result runOnce(K key) {
        try {
            return reconciler.reconcile(key);
        } catch (RuntimeException e) {
            return Result.error(e);
        }
    }

    private void handle(K key, Result result) {
        if (result instanceof Result.Done) {
            queue.forget(key);
        } else if (result instanceof Result.RequeueAfter r) {
            queue.forget(key);
            queue.addAfter(key, r.delay());
        } else if (result instanceof Result.Error e) {
            // a conflict only means our cache was behind: expected under load, not worth a warning
            if (e.cause() instanceof StoreException.Conflict) {
                LOG.debug("{}: {} conflicted, retrying: {}", name, key, e.cause().getMessage());
            } else if (!queue.isShutDown()) {
                LOG.warn("{}: reconciling {} failed (retry {}): {}", name, key, queue.numRequeues(key) + 1,
                        e.cause().toString(), e.cause());
            }
            queue.addRateLimited(key);
        }
    }

    /** Stops the workers and waits for them (at most a few seconds); idempotent. */
    public void stop() {
        List<Thread> toJoin;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            toJoin = List.copyOf(threads);
        }
        queue.shutDown();
        if (ownsTimer) {
            timer.shutdownNow();
        }
        try {
            if (ownsTimer) {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (Thread t : toJoin) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
                if (t.isAlive()) {
                    // a reconcile blocked on I/O: interrupting it is the only way to let it go
                    t.interrupt();
                    t.join(TimeUnit.SECONDS.toMillis(2));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.debug("controller {} stopped", name);
    }

    @Override
    public void close() {
        stop();
    }
}
