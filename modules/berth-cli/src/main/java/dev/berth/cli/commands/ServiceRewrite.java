package dev.berth.cli.commands;

import dev.berth.api.Kind;
import dev.berth.api.Service;
import dev.berth.api.ServiceSpec;
import dev.berth.cli.client.ApiClient;
import dev.berth.cli.client.ApiException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A read-change-write of one service's spec, as {@code service update} and {@code rollout restart}
 * do it: the spec changed by a pure function, written back as a compare-and-swap on the
 * resourceVersion (read again on a conflict), then the rollout followed unless detached or none
 * was started (a scale, new rollout settings).
 */
final class ServiceRewrite {

    /** A conflict this many times in a row means a writer loop, not bad luck. */
    static final int ATTEMPTS = 5;

    private final ApiClient client;
    private final PrintWriter out;
    private final RolloutWatch watch;

    ServiceRewrite(ApiClient client, PrintWriter out, RolloutWatch watch) {
        this.client = client;
        this.out = out;
        this.watch = watch;
    }

    /**
     * Applies {@code change} to service {@code name}'s stored spec and writes it.
     *
     * @return the exit code: 0 when nothing changed, when detached or when no rollout started,
     *     else that of following the rollout
     * @throws IllegalArgumentException from {@code change}, for a flag that does not fit the spec
     */
    int apply(String name, UnaryOperator<ServiceSpec> change, boolean detach, Optional<Duration> limit) {
        for (int attempt = 1; ; attempt++) {
            Service current = client.get(Kind.SERVICE, name);
            ServiceSpec next = change.apply(current.spec());
            if (next.equals(current.spec())) {
                out.println("service/" + name + " unchanged: nothing to update");
                return 0;
            }
            Service stored;
            try {
                // the object read carries its resourceVersion: the PUT is a compare-and-swap
                stored = client.replace(current.withSpec(next));
            } catch (ApiException e) {
                if (!e.isConflict() || attempt >= ATTEMPTS) {
                    throw e;
                }
                continue;
            }
            long revision = stored.status().revision();
            boolean rollout = revision != current.status().revision();
            out.println("service/" + name + " updated" + (rollout ? " (revision " + revision + ")" : ""));
            out.flush();
            return detach || !rollout ? 0 : watch.follow(stored, false, limit);
        }
    }
}
