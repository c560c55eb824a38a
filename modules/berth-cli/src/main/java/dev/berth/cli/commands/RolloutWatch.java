package dev.berth.cli.commands;

import dev.berth.api.Durations;
import dev.berth.api.Kind;
import dev.berth.api.Service;
import dev.berth.cli.client.ApiClient;
import dev.berth.cli.output.RolloutProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

/**
 * Follows a service's rollout until it ends, for {@code rollout status}, {@code service update},
 * {@code service rollback} and {@code rollout undo}: reads the service every
 * {@value #POLL_MILLIS} ms (a GET is cheap, and a poll cannot miss the last change the way a
 * watch started a moment too late can) and prints a line whenever {@link RolloutProgress} says
 * something new. On a terminal the line is redrawn in place; on a pipe each change is a line.
 */
final class RolloutWatch {

    /** How often the service is read. */
    static final long POLL_MILLIS = 250;

    private final ApiClient client;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean tty;

    RolloutWatch(ApiClient client, PrintWriter out, PrintWriter err, boolean tty) {
        this.client = client;
        this.out = out;
        this.err = err;
        this.tty = tty;
    }

    /** Whether the CLI's standard output is a terminal (never under tests or in a pipe). */
    static boolean stdoutIsTerminal() {
        return System.console() != null;
    }

    /** {@code --timeout}: empty or {@code 0} waits for ever. */
    static Optional<Duration> timeout(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            Duration d = Durations.parse(text);
            return d.isZero() ? Optional.empty() : Optional.of(d);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--timeout: not a duration: \"" + text
                    + "\" (expected e.g. 30s, 5m or 0 for no limit)");
        }
    }

    /**
     * Prints the rollout's progress until it is done, stops or {@code timeout} passes.
     *
     * @param first the service as just read or written (shown first, saving a read)
     * @param rollbackWanted whether a rollback is the goal (see {@link RolloutProgress#of})
     * @return the exit code: 0 when done, 1 when paused, rolled back (unless wanted) or timed out
     */
    int follow(Service first, boolean rollbackWanted, Optional<Duration> timeout) {
        long deadline = timeout.map(t -> System.nanoTime() + t.toNanos()).orElse(Long.MAX_VALUE);
        String shown = null;
        Service s = first;
        while (true) {
            RolloutProgress step = RolloutProgress.of(s, rollbackWanted);
            if (step.isTerminal()) {
                endLine(shown);
                if (step.phase() == RolloutProgress.Phase.DONE) {
                    out.println(step.line());
                } else {
                    out.flush();
                    err.println("Error: " + step.line());
                }
                return step.exitCode();
            }
            if (!step.line().equals(shown)) {
                if (tty) {
                    // redraw in place, blanking what a longer previous line left
                    int pad = shown == null ? 0 : Math.max(0, shown.length() - step.line().length());
                    out.print("\r" + step.line() + " ".repeat(pad));
                } else {
                    out.println(step.line());
                }
                out.flush();
                shown = step.line();
            }
            if (System.nanoTime() - deadline >= 0) {
                endLine(shown);
                out.flush();
                err.println("Error: timed out after " + Durations.format(timeout.orElseThrow()) + " waiting for the "
                        + "rollout of service \"" + s.name() + "\" (it goes on; see berth rollout status service/"
                        + s.name() + ")");
                return 1;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                endLine(shown);
                return 1;
            }
            s = client.get(Kind.SERVICE, s.name());
        }
    }

    private void endLine(String shown) {
        if (tty && shown != null) {
            out.println();
        }
    }

    /**
     * {@code service rollback} and {@code rollout undo}: asks the manager to roll back (to the
     * revision before the current one, or to {@code toRevision}) and follows the rollback unless
     * {@code detach}. The manager's refusal (404, 409: no earlier revision) is thrown as is, and
     * nothing changed.
     *
     * @return the exit code
     */
    int rollback(String name, Optional<Long> toRevision, boolean detach, Optional<Duration> timeout) {
        Service rolling = client.rollback(name, toRevision);
        out.println("service/" + name + " rollback started (revision " + rolling.status().revision()
                + toRevision.map(n -> ", the spec of revision " + n).orElse("") + ")");
        out.flush();
        return detach ? 0 : follow(rolling, true, timeout);
    }
}
