package dev.berth.manager.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.codec.Codec;
import dev.berth.api.codec.DecodeException;
import dev.berth.api.validation.FieldError;
import dev.berth.api.validation.ValidationException;
import dev.berth.store.StoreException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {

    @Test
    void decodeErrorsAreBadRequestsNamingTheField() {
        ApiError e = ApiErrors.from(new DecodeException("spec.replicas", "expected an integer, got \"three\""));
        assertThat(e).isEqualTo(new ApiError(400, "BadRequest", "spec.replicas: expected an integer, got \"three\"",
                "spec.replicas"));
    }

    @Test
    void validationErrorsAreInvalidNamingTheFirstField() {
        ApiError e = ApiErrors.from(new ValidationException("service/web", List.of(
                new FieldError("spec.replicas", "must be >= 0, got -1"),
                new FieldError("spec.image", "required"))));
        assertThat(e.code()).isEqualTo(400);
        assertThat(e.reason()).isEqualTo("Invalid");
        assertThat(e.field()).isEqualTo("spec.replicas");
        assertThat(e.message()).contains("spec.replicas: must be >= 0, got -1").contains("spec.image: required");
    }

    @Test
    void storeErrorsMapToTheirStatus() {
        assertThat(ApiErrors.from(new StoreException.NotFound("x")).code()).isEqualTo(404);
        assertThat(ApiErrors.from(new StoreException.AlreadyExists("x")).reason()).isEqualTo("AlreadyExists");
        assertThat(ApiErrors.from(new StoreException.AlreadyExists("x")).code()).isEqualTo(409);
        assertThat(ApiErrors.from(new StoreException.Conflict("x")).reason()).isEqualTo("Conflict");
        assertThat(ApiErrors.from(new StoreException.Compacted("gone", 7)).code()).isEqualTo(410);
        assertThat(ApiErrors.from(new StoreException.Unavailable("down", null)))
                .extracting(ApiError::code, ApiError::reason).containsExactly(503, "Unavailable");
    }

    @Test
    void apiExceptionsKeepTheirErrorEvenWhenWrapped() {
        ApiError error = ApiError.methodNotAllowed("tasks are read-only");
        assertThat(ApiErrors.from(new CompletionException(new ApiException(error)))).isEqualTo(error);
    }

    @Test
    void unknownFailuresAreInternalErrors() {
        ApiError e = ApiErrors.from(new IllegalStateException("boom"));
        assertThat(e).isEqualTo(new ApiError(500, "InternalError", "IllegalStateException: boom", ""));
    }

    @Test
    void serializesAllFourFields() {
        assertThat(Codec.toJson(ApiError.notFound("service \"x\" not found")))
                .isEqualTo("{\"code\":404,\"reason\":\"NotFound\",\"message\":\"service \\\"x\\\" not found\",\"field\":\"\"}");
    }
}
