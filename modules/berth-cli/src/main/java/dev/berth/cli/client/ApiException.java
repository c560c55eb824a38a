package dev.berth.cli.client;

/**
 * An error the Berth manager answered with (its JSON error body), or the failure to reach it at
 * all. The message is the one line the CLI prints after {@code Error: }.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Status used when there was no HTTP answer (connection refused, timeout). */
    public static final int UNREACHABLE = 0;

    private final int status;
    private final String reason;
    private final String field;

    public ApiException(int status, String reason, String message, String field) {
        super(message);
        this.status = status;
        this.reason = reason == null ? "" : reason;
        this.field = field == null ? "" : field;
    }

    /** The HTTP status code, or {@link #UNREACHABLE}. */
    public int status() {
        return status;
    }

    /** The API's reason ({@code Invalid}, {@code NotFound}, {@code Conflict}...), empty if unknown. */
    public String reason() {
        return reason;
    }

    /** The field the problem is about, empty if none. */
    public String field() {
        return field;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    public boolean isConflict() {
        return status == 409;
    }
}
