package dev.berth.testkit.lab;

/** An error of the lab itself: a script command that failed or did not finish in time. */
public final class LabException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An error with a message that says what failed and where to look. */
    public LabException(String message) {
        super(message);
    }

    /** An error caused by {@code cause}. */
    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
