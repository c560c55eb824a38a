package dev.berth.api.codec;

/**
 * Input that is not a valid Berth object: malformed YAML or JSON, an unknown kind or field, a
 * value of the wrong type. The message names the field ({@code spec.replicas: expected an
 * integer, got "three"}).
 */
public final class DecodeException extends RuntimeException {

    private final String field;

    public DecodeException(String field, String message) {
        super(field.isEmpty() ? message : field + ": " + message);
        this.field = field;
    }

    /** The field the problem is about, in dotted form ({@code spec.ports[0].target}); may be empty. */
    public String field() {
        return field;
    }
}
