package dev.berth.api.validation;

/**
 * One problem with one field of an object.
 *
 * @param field dotted path, e.g. {@code spec.replicas}
 * @param message what is wrong, e.g. {@code must be >= 0, got -1}
 */
public record FieldError(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
