package dev.berth.cli.flags;

import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --update-*} and {@code --rollback-*} options, mixed into {@code service create} and
 * {@code service update} so that both spell and check them the same way. Values are kept as text
 * and checked by {@link UpdateConfigFlags}, whose errors name the flag.
 */
public final class UpdateOptions {

    @Option(names = "--update-parallelism", paramLabel = "N",
            description = "Tasks replaced at once during a rollout; 0 = all at once (default 1).")
    String updateParallelism;

    @Option(names = "--update-delay", paramLabel = "DURATION",
            description = "Wait between batches of a rollout, e.g. 10s (default 0s).")
    String updateDelay;

    @Option(names = "--update-failure-action", paramLabel = "ACTION",
            description = "When too many new tasks fail: pause (default), continue or rollback.")
    String updateFailureAction;

    @Option(names = "--update-monitor", paramLabel = "DURATION",
            description = "How long a new task must keep running to count as a success (default 5s).")
    String updateMonitor;

    @Option(names = "--update-max-failure-ratio", paramLabel = "RATIO",
            description = "Share of new tasks allowed to fail, 0 to 1 (default 0).")
    String updateMaxFailureRatio;

    @Option(names = "--update-order", paramLabel = "ORDER",
            description = "stop-first (default: stop an old task, then start its replacement) or start-first.")
    String updateOrder;

    @Option(names = "--rollback-parallelism", paramLabel = "N",
            description = "Tasks replaced at once during a rollback; 0 = all at once (default 1).")
    String rollbackParallelism;

    @Option(names = "--rollback-delay", paramLabel = "DURATION",
            description = "Wait between batches of a rollback (default 0s).")
    String rollbackDelay;

    @Option(names = "--rollback-failure-action", paramLabel = "ACTION",
            description = "When too many tasks of a rollback fail: pause (default) or continue.")
    String rollbackFailureAction;

    @Option(names = "--rollback-monitor", paramLabel = "DURATION",
            description = "How long a task of a rollback must keep running to count as a success (default 5s).")
    String rollbackMonitor;

    @Option(names = "--rollback-max-failure-ratio", paramLabel = "RATIO",
            description = "Share of a rollback's tasks allowed to fail, 0 to 1 (default 0).")
    String rollbackMaxFailureRatio;

    @Option(names = "--rollback-order", paramLabel = "ORDER",
            description = "stop-first (default) or start-first, for a rollback.")
    String rollbackOrder;

    /** The {@code --update-*} flags as given. */
    public UpdateConfigFlags update() {
        return new UpdateConfigFlags(UpdateConfigFlags.UPDATE, Optional.ofNullable(updateParallelism),
                Optional.ofNullable(updateDelay), Optional.ofNullable(updateFailureAction),
                Optional.ofNullable(updateMonitor), Optional.ofNullable(updateMaxFailureRatio),
                Optional.ofNullable(updateOrder));
    }

    /** The {@code --rollback-*} flags as given. */
    public UpdateConfigFlags rollback() {
        return new UpdateConfigFlags(UpdateConfigFlags.ROLLBACK, Optional.ofNullable(rollbackParallelism),
                Optional.ofNullable(rollbackDelay), Optional.ofNullable(rollbackFailureAction),
                Optional.ofNullable(rollbackMonitor), Optional.ofNullable(rollbackMaxFailureRatio),
                Optional.ofNullable(rollbackOrder));
    }
}
