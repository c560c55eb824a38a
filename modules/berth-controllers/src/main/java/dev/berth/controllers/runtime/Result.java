package dev.berth.controllers.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Reconciler} wants done with its key after one reconcile: nothing more, look again
 * after a delay, or retry with per-key exponential backoff because it failed.
 */
public sealed interface Result {

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

    /** The delay when this is a {@link RequeueAfter}. */
    default Optional<Duration> requeueDelay() {
        return this instanceof RequeueAfter r ? Optional.of(r.delay()) : Optional.empty();
    }
}
