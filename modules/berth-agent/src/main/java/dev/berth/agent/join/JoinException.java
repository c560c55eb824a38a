package dev.berth.agent.join;

/** A join that failed, with a message for the person who ran it (what went wrong, what to do). */
public final class JoinException extends RuntimeException {

    public JoinException(String message) {
        super(message);
    }

    public JoinException(String message, Throwable cause) {
        super(message, cause);
    }
}
