package dev.berth.api.validation;

import java.util.List;
import java.util.stream.Collectors;

/** An object that decoded fine but is not valid; carries every problem found. */
public final class ValidationException extends RuntimeException {

    private final List<FieldError> errors;

    public ValidationException(String objectRef, List<FieldError> errors) {
        super(objectRef + " is invalid: " + errors.stream().map(FieldError::toString)
                .collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** The first field at fault, for APIs that report one. */
    public String field() {
        return errors.isEmpty() ? "" : errors.get(0).field();
    }
}
