package dev.berth.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    private final MutableClock clock = new MutableClock();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final WorkQueue<String> queue = new WorkQueue<>(clock, timer);

    @AfterEach
    void tearDown() {
        queue.shutDown();
        timer.shutdownNow();
    }

    private String takeNow() {
        Optional<String> key = queue.poll();
        assertThat(key).as("a ready key").isPresent();
        return key.get();
    }

    @Test
    void addDeduplicatesQueuedKeys() {
        queue.add("a");
        queue.add("b");
        queue.add("a");
        assertThat(queue.length()).isEqualTo(2);
        assertThat(takeNow()).isEqualTo("a");
        assertThat(takeNow()).isEqualTo("b");
        assertThat(queue.poll()).isEmpty();
    }

    @Test
    void keyBeingProcessedIsNotHandedOutAgainUntilDone() {
        queue.add("a");
        assertThat(takeNow()).isEqualTo("a");
        queue.add("a");
        assertThat(queue.length()).isZero();
        assertThat(queue.poll()).isEmpty();
        queue.done("a");
        assertThat(queue.length()).isEqualTo(1);
        assertThat(takeNow()).isEqualTo("a");
    }

    @Test
    void burstWhileProcessingCoalescesIntoOneRerun() {
        queue.add("a");
        takeNow();
        for (int i = 0; i < 10; i++) {
            queue.add("a");
        }
        queue.done("a");
        assertThat(takeNow()).isEqualTo("a");
        queue.done("a");
        assertThat(queue.poll()).isEmpty();
    }

    @Test
    void doneWithoutNewAddDoesNotRequeue() {
        queue.add("a");
        takeNow();
        queue.done("a");
        assertThat(queue.length()).isZero();
    }

    @Test
    void addAfterWaitsForTheClock() {
        queue.addAfter("a", Duration.ofSeconds(2));
        assertThat(queue.length()).isZero();
        assertThat(queue.delayedCount()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1999));
        queue.promoteDue();
        assertThat(queue.length()).isZero();
        clock.advance(Duration.ofMillis(1));
        queue.promoteDue();
        assertThat(queue.length()).isEqualTo(1);
        assertThat(queue.delayedCount()).isZero();
    }

    @Test
    void addAfterKeepsTheEarlierTime() {
        queue.addAfter("a", Duration.ofSeconds(10));
        queue.addAfter("a", Duration.ofSeconds(1));
        queue.addAfter("a", Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(1));
        queue.promoteDue();
        assertThat(takeNow()).isEqualTo("a");
        queue.done("a");
        clock.advance(Duration.ofSeconds(20));
        queue.promoteDue();
        assertThat(queue.length()).as("superseded times do not add the key again").isZero();
    }

    @Test
    void addAfterWithZeroDelayAddsAtOnce() {
        queue.addAfter("a", Duration.ZERO);
        assertThat(queue.length()).isEqualTo(1);
    }

    @Test
    void rateLimitedRetriesBackOffExponentiallyUntilForgotten() {
        List<Duration> observed = new ArrayList<>();
        for (int attempt = 0; attempt < 4; attempt++) {
            queue.addRateLimited("a");
            observed.add(stepUntilReady("a"));
            takeNow();
            queue.done("a");
        }
        assertThat(observed).containsExactly(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20),
                Duration.ofMillis(40));
        assertThat(queue.numRequeues("a")).isEqualTo(4);
        queue.forget("a");
        assertThat(queue.numRequeues("a")).isZero();
        queue.addRateLimited("a");
        assertThat(stepUntilReady("a")).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void backoffIsPerKeyAndCapped() {
        queue.addRateLimited("a");
        queue.addRateLimited("a");
        queue.addRateLimited("b");
        assertThat(queue.numRequeues("a")).isEqualTo(2);
        assertThat(queue.numRequeues("b")).isEqualTo(1);
        assertThat(queue.backoff(12)).isEqualTo(Duration.ofMillis(5 * 4096));
        assertThat(queue.backoff(13)).isEqualTo(Duration.ofSeconds(30));
        assertThat(queue.backoff(100)).isEqualTo(Duration.ofSeconds(30));
    }

    /** Advances the clock 1 ms at a time until {@code key} is ready; returns the time it took. */
    private Duration stepUntilReady(String key) {
        Duration waited = Duration.ZERO;
        while (queue.length() == 0) {
            assertThat(waited).isLessThan(Duration.ofSeconds(1));
            clock.advance(Duration.ofMillis(1));
            waited = waited.plusMillis(1);
            queue.promoteDue();
        }
        return waited;
    }

    @Test
    void shutDownReleasesWaitingWorkers() throws Exception {
        AtomicInteger emptyTakes = new AtomicInteger();
        Thread worker = new Thread(() -> {
            try {
                if (queue.take().isEmpty()) {
                    emptyTakes.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        worker.start();
        queue.shutDown();
        worker.join(5000);
        assertThat(worker.isAlive()).isFalse();
        assertThat(emptyTakes).hasValue(1);
        queue.add("a");
        assertThat(queue.length()).isZero();
    }

    @Test
    void manyWorkersNeverProcessOneKeyConcurrentlyAndEveryAddIsSeen() throws Exception {
        Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger processed = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        Optional<String> key = queue.take();
                        if (key.isEmpty()) {
                            return;
                        }
                        AtomicInteger n = active.computeIfAbsent(key.get(), k -> new AtomicInteger());
                        if (n.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        Thread.onSpinWait();
                        n.decrementAndGet();
                        processed.incrementAndGet();
                        queue.done(key.get());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            workers.add(t);
            t.start();
        }
        for (int i = 0; i < 20_000; i++) {
            queue.add("k" + (i % 5));
        }
        // the last adds of each key must be processed after they were made
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((queue.length() > 0 || processed.get() < 5) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        queue.shutDown();
        for (Thread t : workers) {
            t.join(5000);
        }
        assertThat(overlaps).hasValue(0);
        assertThat(processed.get()).isBetween(5, 20_000);
        assertThat(queue.length()).isZero();
    }
}
