package dev.berth.cli;

/**
 * A problem the CLI found itself (a file that cannot be read, a name that does not exist...):
 * printed as {@code Error: <message>} with exit code 1, never with a stack trace.
 */
public final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
