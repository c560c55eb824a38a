package dev.berth.manager.api;

/** A request the API refuses, carrying the {@link ApiError} to answer with. */
public final class ApiException extends RuntimeException {

    private final ApiError error;

    public ApiException(ApiError error) {
        super(error.message());
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
