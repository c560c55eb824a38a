package dev.berth.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import dev.berth.api.codec.Codec;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Objects as {@code -o yaml}, {@code -o json} and {@code -o name} print them. */
public final class Printers {

    private Printers() {
    }

    /** {@code service/whoami}. */
    public static String name(ApiObject object) {
        return Kind.byName(object.kind()).map(Kind::singular).orElse(object.kind().toLowerCase(java.util.Locale.ROOT))
                + "/" + object.name();
    }

    /** The object as YAML, exactly as {@link Codec#toYaml} writes it. */
    public static String yaml(ApiObject object) {
        return Codec.toYaml(object);
    }

    /** Several objects as one YAML document: {@code kind: List} with {@code items}, as kubectl prints lists. */
    public static String yamlList(List<? extends ApiObject> objects) {
        return Codec.toYaml(list(objects));
    }

    /** Pretty JSON of one object. */
    public static String json(ApiObject object) {
        return prettyJson(object);
    }

    /** Pretty JSON of a {@code kind: List}. */
    public static String jsonList(List<? extends ApiObject> objects) {
        return prettyJson(list(objects));
    }

    private static Map<String, Object> list(List<? extends ApiObject> objects) {
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("apiVersion", ApiObject.API_VERSION);
        list.put("kind", "List");
        list.put("items", objects);
        return list;
    }

    private static String prettyJson(Object value) {
        try {
            return Codec.json().writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
