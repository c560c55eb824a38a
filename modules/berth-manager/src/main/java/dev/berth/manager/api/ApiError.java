package dev.berth.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON body of every error the API answers: {@code {code, reason, message, field}}.
 *
 * @param code the HTTP status
 * @param reason a stable word for programs ({@code NotFound}, {@code Conflict}, ...)
 * @param message a sentence for people, naming the object and what is wrong
 * @param field the field at fault in dotted form ({@code spec.replicas}); empty when none
 */
// every field always, so clients can rely on the shape
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiError(int code, String reason, String message, String field) {

    public ApiError {
        reason = reason == null ? "" : reason;
        message = message == null ? "" : message;
        field = field == null ? "" : field;
    }

    public static ApiError badRequest(String field, String message) {
        return new ApiError(400, "BadRequest", message, field);
    }

    public static ApiError invalid(String field, String message) {
        return new ApiError(400, "Invalid", message, field);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "NotFound", message, "");
    }

    public static ApiError methodNotAllowed(String message) {
        return new ApiError(405, "MethodNotAllowed", message, "");
    }

    public static ApiError alreadyExists(String message) {
        return new ApiError(409, "AlreadyExists", message, "metadata.name");
    }

    public static ApiError conflict(String message) {
        return new ApiError(409, "Conflict", message, "metadata.resourceVersion");
    }

    /** A conflict with another object over {@code field} (a port another service publishes). */
    public static ApiError conflict(String field, String message) {
        return new ApiError(409, "Conflict", message, field);
    }

    public static ApiError gone(String message) {
        return new ApiError(410, "Gone", message, "resourceVersion");
    }

    public static ApiError tooLarge(long limit) {
        return new ApiError(413, "TooLarge", "request body is larger than the limit of " + limit
                + " bytes (--max-body-bytes)", "");
    }

    public static ApiError unavailable(String message) {
        return new ApiError(503, "Unavailable", message, "");
    }

    public static ApiError internal(String message) {
        return new ApiError(500, "InternalError", message, "");
    }
}
