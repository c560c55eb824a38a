package dev.berth.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.codec.Codec;
import dev.berth.api.codec.DecodeException;
import java.util.List;
import java.util.Locale;

/** Reads request bodies as JSON or YAML documents, as their Content-Type says; pure. */
final class Bodies {

    private Bodies() {
    }

    /**
     * The documents of {@code body}. A JSON Content-Type requires JSON; any other (YAML, or none)
     * reads YAML, of which JSON is a subset.
     *
     * @throws DecodeException when the body is not well-formed
     */
    static List<JsonNode> readDocuments(String body, String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        String trimmed = body == null ? "" : body.strip();
        if (type.contains("json") && !trimmed.isEmpty() && !trimmed.startsWith("{") && !trimmed.startsWith("[")) {
            throw new DecodeException("", "malformed JSON: expected an object or a list of objects"
                    + " (send YAML with Content-Type: application/yaml)");
        }
        return Codec.readDocuments(body == null ? "" : body);
    }
}
