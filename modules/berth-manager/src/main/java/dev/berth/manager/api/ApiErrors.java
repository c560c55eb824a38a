package dev.berth.manager.api;

import dev.berth.api.codec.DecodeException;
import dev.berth.api.validation.ValidationException;
import dev.berth.store.StoreException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns the exceptions of decoding, validation and the store into API errors; pure. */
public final class ApiErrors {

    private ApiErrors() {
    }

    /** The error to answer for {@code failure}; unknown failures are 500s. */
    public static ApiError from(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof ApiException api) {
            return api.error();
        }
        if (t instanceof DecodeException decode) {
            return ApiError.badRequest(decode.field(), decode.getMessage());
        }
        if (t instanceof ValidationException invalid) {
            return ApiError.invalid(invalid.field(), invalid.getMessage());
        }
        if (t instanceof StoreException.NotFound) {
            return ApiError.notFound(t.getMessage());
        }
        if (t instanceof StoreException.AlreadyExists) {
            return ApiError.alreadyExists(t.getMessage());
        }
        if (t instanceof StoreException.Conflict) {
            return ApiError.conflict(t.getMessage());
        }
        if (t instanceof StoreException.Compacted) {
            return ApiError.gone(t.getMessage() + "; list again");
        }
        if (t instanceof StoreException.Unavailable) {
            return ApiError.unavailable("the store (etcd) cannot be reached: " + t.getMessage());
        }
        return ApiError.internal(t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
