package dev.berth.api.codec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one place Berth turns objects into YAML or JSON and back. Both mappers share one
 * configuration: unknown fields, duplicate keys, floats for integers and strings for numbers are
 * errors, and every error is a {@link DecodeException} naming the field.
 */
public final class Codec {

    private static final ObjectMapper JSON = configure(JsonMapper.builder()).build();
    private static final ObjectMapper YAML = configure(YAMLMapper.builder(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build())).build();

    private Codec() {
    }

    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
        return builder
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                // registered last so that its Duration (de)serializers win over JavaTimeModule's
                .addModule(new BerthJacksonModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // absent numbers in records take 0 (or the record's default); validation then
                // rejects zeros that are not allowed, naming the field
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // records expose helpers like isEmpty(); only their components are fields
                .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                // empty fields are left out, but not the empty values in a map: `-e FOO=` and a
                // label without a value are data, and were lost on the way to etcd
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY,
                        JsonInclude.Include.NON_NULL));
    }

    /** The JSON mapper (for the store, the HTTP API and watch events). */
    public static ObjectMapper json() {
        return JSON;
    }

    /** The YAML mapper (for manifests and {@code -o yaml}). */
    public static ObjectMapper yaml() {
        return YAML;
    }

    /** Compact JSON of any value. */
    public static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compact JSON bytes of any value (what the store keeps in etcd). */
    public static byte[] toJsonBytes(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** YAML of any value, as {@code -o yaml} prints it. */
    public static String toYaml(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads every document of a YAML stream (or one JSON object, or a JSON list of objects) as
     * Berth objects. Empty documents are skipped.
     *
     * @throws DecodeException naming the document and field of the first problem
     */
    public static List<ApiObject> decodeAll(String text) {
        List<JsonNode> documents = readDocuments(text);
        List<ApiObject> objects = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            try {
                objects.add(decode(documents.get(i)));
            } catch (DecodeException e) {
                if (documents.size() == 1) {
                    throw e;
                }
                throw new DecodeException(e.field(), "document " + (i + 1) + ": "
                        + e.getMessage().substring(e.field().isEmpty() ? 0 : e.field().length() + 2));
            }
        }
        return List.copyOf(objects);
    }

    /** Reads the documents of a YAML stream or JSON text as trees, without binding them. */
    public static List<JsonNode> readDocuments(String text) {
        String trimmed = text.strip();
        List<JsonNode> documents = new ArrayList<>();
        try {
            if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
                JsonNode node = JSON.readTree(trimmed);
                if (node.isArray()) {
                    node.forEach(documents::add);
                } else {
                    documents.add(node);
                }
            } else {
                JsonParser parser = YAML.getFactory().createParser(text);
                try (MappingIterator<JsonNode> it = YAML.readValues(parser, JsonNode.class)) {
                    while (it.hasNextValue()) {
                        JsonNode node = it.nextValue();
                        boolean empty = node == null || node.isNull() || node.isMissingNode()
                                || (node.isTextual() && node.asText().isBlank());
                        if (!empty) {
                            documents.add(node);
                        }
                    }
                }
            }
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        } catch (RuntimeException e) {
            // MappingIterator wraps parse errors in RuntimeJsonMappingException
            if (e.getCause() instanceof JsonProcessingException jpe) {
                throw syntaxError(jpe);
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    /**
     * Binds one document to the record of its kind.
     *
     * @throws DecodeException when apiVersion or kind are missing or unknown, or a field is wrong
     */
    public static ApiObject decode(JsonNode document) {
        if (!(document instanceof ObjectNode object)) {
            throw new DecodeException("", "expected an object with apiVersion, kind, metadata and spec, got "
                    + document.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        JsonNode apiVersion = object.get("apiVersion");
        if (apiVersion == null || !apiVersion.isTextual()) {
            throw new DecodeException("apiVersion", "required, e.g. apiVersion: " + ApiObject.API_VERSION);
        }
        if (!apiVersion.asText().equals(ApiObject.API_VERSION)) {
            throw new DecodeException("apiVersion", "unsupported version \"" + apiVersion.asText()
                    + "\": this release reads " + ApiObject.API_VERSION);
        }
        JsonNode kindNode = object.get("kind");
        if (kindNode == null || !kindNode.isTextual()) {
            throw new DecodeException("kind", "required, one of "
                    + Kind.ALL.stream().map(Kind::name).collect(Collectors.joining(", ")));
        }
        Kind<?> kind = Kind.byName(kindNode.asText()).orElseThrow(() -> new DecodeException("kind",
                "unknown kind \"" + kindNode.asText() + "\": known kinds are "
                        + Kind.ALL.stream().map(Kind::name).collect(Collectors.joining(", "))));
        if (kind == Kind.SERVICE) {
            refuseEmptyHealthCheck(object.path("spec").path("healthCheck"));
        }
        return bind(object, kind.type());
    }

    /**
     * A {@code healthCheck} that is written but has no probe ({@code {}}, {@code cmd: []}) would
     * bind to "no health check" and be dropped without a word: refused here, where presence is
     * still visible (Validation refuses the other wrong forms).
     */
    private static void refuseEmptyHealthCheck(JsonNode check) {
        if (!check.isObject()) {
            return; // absent or null: no health check; other types fail when bound
        }
        java.util.Iterator<Map.Entry<String, JsonNode>> fields = check.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            boolean empty = f.getValue().isNull() || (f.getValue().isArray() && f.getValue().isEmpty());
            if (!empty) {
                return; // binds to a health check: Validation names what is wrong with it
            }
        }
        throw new DecodeException("spec.healthCheck", "needs one of cmd, httpGet or tcp, e.g. cmd: "
                + "[/bin/sh, -c, \"wget -q -O /dev/null http://127.0.0.1:8080/\"]");
    }

    /** Binds a tree to {@code type}, turning Jackson's errors into field-naming ones. */
    public static <T> T bind(JsonNode node, Class<T> type) {
        try {
            return JSON.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw bindingError(e);
        } catch (IllegalArgumentException e) {
            if (e.getCause() instanceof JsonProcessingException jpe) {
                throw bindingError(jpe);
            }
            throw new DecodeException("", e.getMessage());
        }
    }

    /** Reads a stored object from its JSON (what the store keeps). */
    public static <T extends ApiObject> T fromJsonBytes(byte[] json, Kind<T> kind) {
        try {
            return JSON.readValue(json, kind.type());
        } catch (JsonProcessingException e) {
            throw bindingError(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DecodeException syntaxError(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        String problem = e.getOriginalMessage();
        if (e instanceof JsonParseException || e.getClass().getName().contains("yaml")) {
            return new DecodeException("", "malformed YAML or JSON" + where + ": " + firstLine(problem));
        }
        return new DecodeException("", "malformed input" + where + ": " + firstLine(problem));
    }

    private static DecodeException bindingError(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping)) {
            return syntaxError(e);
        }
        String field = path(mapping);
        if (mapping instanceof UnrecognizedPropertyException unknown) {
            List<String> known = unknown.getKnownPropertyIds() == null ? List.of()
                    : unknown.getKnownPropertyIds().stream().map(Object::toString).sorted().toList();
            return new DecodeException(field, "unknown field" + (known.isEmpty() ? ""
                    : " (known fields: " + String.join(", ", known) + ")"));
        }
        if (mapping instanceof InvalidFormatException invalid) {
            return new DecodeException(field, "expected " + describe(invalid.getTargetType()) + ", got "
                    + quote(invalid.getValue()));
        }
        if (mapping instanceof ValueInstantiationException instantiation && instantiation.getCause() != null) {
            return new DecodeException(field, firstLine(instantiation.getCause().getMessage()));
        }
        if (mapping instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null
                && !firstLine(mapping.getOriginalMessage()).startsWith("expected")) {
            return new DecodeException(field, "expected " + describe(mismatched.getTargetType())
                    + mismatchedFound(mapping.getOriginalMessage()));
        }
        return new DecodeException(field, firstLine(mapping.getOriginalMessage()));
    }

    private static final java.util.regex.Pattern FOUND_VALUE = java.util.regex.Pattern.compile(
            "(?:String value \\((\"[^\"]*\")\\)|from (String \"[^\"]*\"|Floating-point value \\([^)]*\\)"
            + "|Integer value \\([^)]*\\)|Array value|Object value|Boolean value))");

    private static String mismatchedFound(String original) {
        // Jackson says e.g. 'Cannot coerce String value ("three") to `int` value': keep the value.
        java.util.regex.Matcher m = FOUND_VALUE.matcher(firstLine(original));
        if (!m.find()) {
            return "";
        }
        String found = m.group(1) != null ? m.group(1) : m.group(2);
        found = found.replace("String ", "").replace("Floating-point value ", "").replace("Integer value ", "")
                .replace("(", "").replace(")", "");
        return switch (found) {
            case "Array value" -> ", got a list";
            case "Object value" -> ", got a mapping";
            case "Boolean value" -> ", got a boolean";
            default -> ", got " + found;
        };
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String describe(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            List<String> values = new ArrayList<>();
            for (Object c : constants) {
                values.add(((Enum<?>) c).name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            }
            return "one of " + String.join(", ", values);
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        return "a " + type.getSimpleName();
    }

    private static String quote(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
