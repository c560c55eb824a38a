package dev.berth.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ControllerTest {

    @Test
    void failedReconcilesAreRetriedWithBackoffThenForgotten() {
        AtomicInteger calls = new AtomicInteger();
        Reconciler<String> flaky = key -> calls.incrementAndGet() < 3
                ? Result.error(new IllegalStateException("boom " + key)) : Result.done();
        try (Controller<String> c = new Controller<>("test", List.of(), flaky, 2, Clock.systemUTC())) {
            c.start();
            c.enqueue("a");
            await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 3);
            await().atMost(Duration.ofSeconds(5)).until(() -> c.queue().numRequeues("a") == 0);
            assertThat(calls).hasValue(3);
        }
    }

    @Test
    void exceptionsCountAsErrors() {
        AtomicInteger calls = new AtomicInteger();
        Reconciler<String> throwing = key -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first time");
            }
            return Result.done();
        };
        try (Controller<String> c = new Controller<>("test", List.of(), throwing, 1, Clock.systemUTC())) {
            c.start();
            c.enqueue("a");
            await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2);
        }
    }

    @Test
    void requeueAfterRunsTheKeyAgain() {
        AtomicInteger calls = new AtomicInteger();
        Reconciler<String> again = key -> calls.incrementAndGet() == 1
                ? Result.requeueAfter(Duration.ofMillis(20)) : Result.done();
        try (Controller<String> c = new Controller<>("test", List.of(), again, 1, Clock.systemUTC())) {
            c.start();
            c.enqueue("a");
            await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2);
            assertThat(c.queue().numRequeues("a")).isZero();
        }
    }

    @Test
    void stopEndsTheWorkerThreadsAndIsIdempotent() {
        Controller<String> c = new Controller<>("stopper", List.of(), key -> Result.done(), 3, Clock.systemUTC());
        c.start();
        c.stop();
        c.stop();
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("berth-stopper") && t.isAlive());
    }
}
