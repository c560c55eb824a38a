package dev.berth.controllers.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Reconciler} wants done with its key after one reconcile: nothing more, look again
 * after a delay, or retry with per-key exponential backoff because it failed.
 */
public sealed interface Result {

    /** The shortest {@link #wakeAt} delay. */
    Duration MIN_WAKE = Duration.ofMillis(1);

    /** The key is reconciled; its backoff is reset. */
    record Done() implements Result {
    }

    /** Reconcile the key again after {@code delay} (backoff reset: this is not a failure). */
    record RequeueAfter(Duration delay) implements Result {
        public RequeueAfter {
            Objects.requireNonNull(delay, "delay");
        }
    }

    /** The reconcile failed; the key is retried after its next backoff step. */
    record Error(Throwable cause) implements Result {
        public Error {
            Objects.requireNonNull(cause, "cause");
        }
    }

    static Result done() {
        return new Done();
    }

    static Result requeueAfter(Duration delay) {
        return new RequeueAfter(delay);
    }

    static Result error(Throwable cause) {
        return new Error(cause);
    }

    /**
     * Done when {@code at} is empty, else a look again at {@code at}: a time already due (or past,
     * with clock skew between the decision and now) still goes through the queue, after a
     * millisecond, rather than a busy loop.
     */
    static Result wakeAt(Optional<Instant> at, Instant now) {
        return at.<Result>map(when -> {
            Duration delay = Duration.between(now, when);
            return requeueAfter(delay.compareTo(MIN_WAKE) >= 0 ? delay : MIN_WAKE);
        }).orElse(done());
    }

    /** The delay when this is a {@link RequeueAfter}. */
    default Optional<Duration> requeueDelay() {
        return this instanceof RequeueAfter r ? Optional.of(r.delay()) : Optional.empty();
    }
}
