package dev.berth.cli.flags;

import dev.berth.api.Durations;
import dev.berth.api.FailureAction;
import dev.berth.api.UpdateConfig;
import dev.berth.api.UpdateOrder;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Swarm's six rollout flags of one kind, {@code --update-*} or {@code --rollback-*}, kept as typed
 * so that an error names the flag. {@link #applyTo} lays the given ones over a config (the
 * defaults for {@code service create}, the stored one for {@code service update}): flags left out
 * keep what was there, as in {@code docker service update}.
 *
 * <p>The checks here are the CLI's courtesy (a clear message without a round trip); the manager's
 * validation stays the authority.
 *
 * @param prefix {@code --update} or {@code --rollback}
 * @param parallelism {@code --update-parallelism}
 * @param delay {@code --update-delay}
 * @param failureAction {@code --update-failure-action}
 * @param monitor {@code --update-monitor}
 * @param maxFailureRatio {@code --update-max-failure-ratio}
 * @param order {@code --update-order}
 */
public record UpdateConfigFlags(String prefix, Optional<String> parallelism, Optional<String> delay,
        Optional<String> failureAction, Optional<String> monitor, Optional<String> maxFailureRatio,
        Optional<String> order) {

    /** The prefix of the update config's flags. */
    public static final String UPDATE = "--update";
    /** The prefix of the rollback config's flags. */
    public static final String ROLLBACK = "--rollback";

    /** No flag of this kind given. */
    public static UpdateConfigFlags none(String prefix) {
        return new UpdateConfigFlags(prefix, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** Whether no flag of this kind was given. */
    public boolean isEmpty() {
        return parallelism.isEmpty() && delay.isEmpty() && failureAction.isEmpty() && monitor.isEmpty()
                && maxFailureRatio.isEmpty() && order.isEmpty();
    }

    /**
     * {@code base} with the given flags' values.
     *
     * @throws IllegalArgumentException naming the flag, e.g. {@code --update-parallelism: must be
     *     >= 0, got -1}
     */
    public UpdateConfig applyTo(UpdateConfig base) {
        return new UpdateConfig(
                parallelism.map(this::parseParallelism).orElse(base.parallelism()),
                delay.map(v -> duration("-delay", v)).orElse(base.delay()),
                failureAction.map(this::parseFailureAction).orElse(base.failureAction()),
                monitor.map(v -> duration("-monitor", v)).orElse(base.monitor()),
                maxFailureRatio.map(this::parseRatio).orElse(base.maxFailureRatio()),
                order.map(this::parseOrder).orElse(base.order()));
    }

    /** Checks every given value (what {@link #applyTo} would throw). */
    public void validate() {
        applyTo(UpdateConfig.DEFAULT);
    }

    private String flag(String suffix) {
        return prefix + suffix;
    }

    private int parseParallelism(String text) {
        int n;
        try {
            n = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag("-parallelism") + ": not a number: \"" + text + "\"");
        }
        if (n < 0) {
            throw new IllegalArgumentException(flag("-parallelism") + ": must be >= 0, got " + n
                    + " (0 replaces all tasks at once)");
        }
        return n;
    }

    private Duration duration(String suffix, String text) {
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag(suffix) + ": not a duration: \"" + text
                    + "\" (expected e.g. 5s, 100ms or 1m30s)");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(flag(suffix) + ": must not be negative, got \"" + text + "\"");
        }
        return d;
    }

    private FailureAction parseFailureAction(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        boolean rollback = prefix.equals(ROLLBACK);
        // a rollback that fails cannot roll back again: Swarm offers pause|continue there
        String accepted = rollback ? "pause or continue" : "pause, continue or rollback";
        for (FailureAction a : FailureAction.values()) {
            if (a.value().equals(v) && !(rollback && a == FailureAction.ROLLBACK)) {
                return a;
            }
        }
        throw new IllegalArgumentException(flag("-failure-action") + ": must be " + accepted + ", got \"" + text
                + "\"");
    }

    private double parseRatio(String text) {
        double r;
        try {
            r = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag("-max-failure-ratio") + ": not a number: \"" + text + "\"");
        }
        if (!(r >= 0 && r <= 1)) {
            throw new IllegalArgumentException(flag("-max-failure-ratio") + ": must be between 0 and 1, got "
                    + text.trim());
        }
        return r;
    }

    private UpdateOrder parseOrder(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        for (UpdateOrder o : UpdateOrder.values()) {
            if (o.value().equals(v)) {
                return o;
            }
        }
        throw new IllegalArgumentException(flag("-order") + ": must be stop-first or start-first, got \"" + text
                + "\"");
    }
}
