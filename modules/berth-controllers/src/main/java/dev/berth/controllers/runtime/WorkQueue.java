package dev.berth.controllers.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A work queue of keys with the contract of client-go's rate-limited queue.
 *
 * <ul>
 *   <li>{@link #add} de-duplicates: a key waiting in the queue is there once.</li>
 *   <li>A key is never handed to two workers at once: between {@link #take} and {@link #done} it
 *       is <em>processing</em>; adding it meanwhile marks it dirty and it is queued again when
 *       {@link #done} is called, once, however many adds arrived (bursts coalesce).</li>
 *   <li>{@link #addAfter} delays a key; {@link #addRateLimited} delays it by a per-key backoff
 *       that doubles on each call until {@link #forget} resets it.</li>
 * </ul>
 *
 * <p>Time comes from the injected {@link Clock}; the {@link ScheduledExecutorService} only wakes
 * the queue up to move delayed keys whose time has come, so tests can drive time with a fixed
 * clock and {@link #promoteDue()}.
 *
 * @param <K> the key type
 */
public final class WorkQueue<K> {

    /** The default first retry delay of {@link #addRateLimited}. */
    public static final Duration DEFAULT_BASE_DELAY = Duration.ofMillis(5);
    /** The default largest retry delay of {@link #addRateLimited}. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);

    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Duration baseDelay;
    private final Duration maxDelay;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final ArrayDeque<K> queue = new ArrayDeque<>();
    // dirty: keys that need processing (queued, or added again while processing)
    private final Set<K> dirty = new HashSet<>();
    private final Set<K> processing = new HashSet<>();
    private final Map<K, Instant> waiting = new HashMap<>();
    private final PriorityQueue<Waiting<K>> waitingByTime =
            new PriorityQueue<>((a, b) -> a.readyAt.compareTo(b.readyAt));
    private final Map<K, Integer> failures = new HashMap<>();
    private Instant wakeAt;
    private ScheduledFuture<?> wake;
    private boolean shutDown;

    private record Waiting<K>(K key, Instant readyAt) {
    }

    /** A queue with the default backoff (5 ms doubling up to 30 s). */
    public WorkQueue(Clock clock, ScheduledExecutorService timer) {
        this(clock, timer, DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY);
    }

    public WorkQueue(Clock clock, ScheduledExecutorService timer, Duration baseDelay, Duration maxDelay) {
        this.clock = clock;
        this.timer = timer;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
    }

    /** Queues {@code key} unless it is already queued; if it is processing, it runs again after. */
    public void add(K key) {
        lock.lock();
        try {
            if (shutDown || !dirty.add(key)) {
                return;
            }
            if (!processing.contains(key)) {
                queue.addLast(key);
                nonEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code key} once {@code delay} has passed. If the key is already waiting, the earlier
     * of the two times wins.
     */
    public void addAfter(K key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        lock.lock();
        try {
            if (shutDown) {
                return;
            }
            Instant readyAt = clock.instant().plus(delay);
            Instant current = waiting.get(key);
            if (current != null && !readyAt.isBefore(current)) {
                return;
            }
            waiting.put(key, readyAt);
            waitingByTime.add(new Waiting<>(key, readyAt));
            scheduleWake(readyAt);
        } finally {
            lock.unlock();
        }
    }

    /** Queues {@code key} after its next backoff delay (base, then doubling, up to the maximum). */
    public void addRateLimited(K key) {
        Duration delay;
        lock.lock();
        try {
            int n = failures.merge(key, 1, Integer::sum) - 1;
            delay = backoff(n);
        } finally {
            lock.unlock();
        }
        addAfter(key, delay);
    }

    /** The delay of the {@code n}th consecutive retry (0-based). */
    Duration backoff(int n) {
        if (n >= 62) {
            return maxDelay;
        }
        long nanos = baseDelay.toNanos();
        long factor = 1L << n;
        if (nanos > maxDelay.toNanos() / factor) {
            return maxDelay;
        }
        return Duration.ofNanos(nanos * factor);
    }

    /** Resets the backoff of {@code key} (call after a successful reconcile). */
    public void forget(K key) {
        lock.lock();
        try {
            failures.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** How many rate-limited retries {@code key} had since it was last forgotten. */
    public int numRequeues(K key) {
        lock.lock();
        try {
            return failures.getOrDefault(key, 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for a key and marks it processing; the caller must call {@link #done} with it.
     *
     * @return the key, or empty once the queue is shut down
     */
    public Optional<K> take() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !shutDown) {
                nonEmpty.await();
            }
            if (shutDown) {
                return Optional.empty();
            }
            return Optional.of(markProcessing());
        } finally {
            lock.unlock();
        }
    }

    /** Like {@link #take} but returns empty at once when no key is ready. */
    public Optional<K> poll() {
        lock.lock();
        try {
            if (queue.isEmpty() || shutDown) {
                return Optional.empty();
            }
            return Optional.of(markProcessing());
        } finally {
            lock.unlock();
        }
    }

    private K markProcessing() {
        K key = queue.removeFirst();
        processing.add(key);
        dirty.remove(key);
        return key;
    }

    /** Ends processing of {@code key}; if it was added meanwhile, it is queued again now. */
    public void done(K key) {
        lock.lock();
        try {
            processing.remove(key);
            if (dirty.contains(key) && !shutDown) {
                queue.addLast(key);
                nonEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Moves every delayed key whose time has come (by the clock) into the queue. */
    public void promoteDue() {
        lock.lock();
        try {
            Instant now = clock.instant();
            while (!waitingByTime.isEmpty() && !waitingByTime.peek().readyAt.isAfter(now)) {
                Waiting<K> w = waitingByTime.poll();
                // entries superseded by an earlier time for the same key are stale
                if (w.readyAt.equals(waiting.get(w.key))) {
                    waiting.remove(w.key);
                    add(w.key); // the lock is reentrant
                }
            }
            wakeAt = null;
            wake = null;
            while (!waitingByTime.isEmpty() && !waitingByTime.peek().readyAt.equals(waiting.get(waitingByTime.peek().key))) {
                waitingByTime.poll();
            }
            if (!waitingByTime.isEmpty() && !shutDown) {
                scheduleWake(waitingByTime.peek().readyAt);
            }
        } finally {
            lock.unlock();
        }
    }

    // called with the lock held
    private void scheduleWake(Instant readyAt) {
        if (wakeAt != null && !readyAt.isBefore(wakeAt)) {
            return;
        }
        if (wake != null) {
            wake.cancel(false);
        }
        wakeAt = readyAt;
        long delayNanos = Math.max(Duration.between(clock.instant(), readyAt).toNanos(), 1_000_000L);
        try {
            wake = timer.schedule(this::promoteDue, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the timer is shutting down with the controller: nothing will be processed anyway
            wake = null;
        }
    }

    /** Keys queued and ready (not delayed, not processing). */
    public int length() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Keys waiting for their delay to pass. */
    public int delayedCount() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the queue: {@link #take} returns empty and adds are ignored. */
    public void shutDown() {
        lock.lock();
        try {
            shutDown = true;
            if (wake != null) {
                wake.cancel(false);
            }
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isShutDown() {
        lock.lock();
        try {
            return shutDown;
        } finally {
            lock.unlock();
        }
    }
}
