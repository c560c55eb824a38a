package dev.berth.agent.executor;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The optional power to read a container's output (an executor implements it when it can;
 * check with {@code instanceof}).
 */
public interface LogSource {

    /**
     * Sends the container's log lines to {@code sink}, oldest first, from {@code since} when
     * given; keeps sending new lines while {@code follow} until the returned handle is closed.
     */
    AutoCloseable logs(String containerId, Optional<Instant> since, boolean follow, Consumer<LogLine> sink)
            throws ExecutorException;

    /**
     * One line of a container's output.
     *
     * @param stderr whether it came from standard error
     * @param text the line without its end-of-line
     */
    record LogLine(boolean stderr, String text) {
    }
}
