package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Metadata every object carries. {@code uid}, {@code resourceVersion}, {@code generation} and
 * {@code creationTimestamp} are set by the server; a user may send them back unchanged.
 *
 * @param name the object's name, a DNS label (for tasks and nodes: their id)
 * @param labels free-form key/value pairs, selectable with {@code -l}
 * @param annotations free-form key/value pairs for tools
 * @param uid unique id given at creation, empty before
 * @param resourceVersion etcd's mod_revision of the stored object; 0 when not stored yet. Every
 *     write is a compare-and-swap on it.
 * @param generation incremented each time the spec changes
 * @param creationTimestamp when the object was created
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ObjectMeta(
        String name,
        Map<String, String> labels,
        Map<String, String> annotations,
        String uid,
        long resourceVersion,
        long generation,
        Optional<Instant> creationTimestamp) {

    public ObjectMeta {
        name = name == null ? "" : name;
        labels = labels == null ? Map.of() : immutableSorted(labels);
        annotations = annotations == null ? Map.of() : immutableSorted(annotations);
        uid = uid == null ? "" : uid;
        creationTimestamp = creationTimestamp == null ? Optional.empty() : creationTimestamp;
    }

    /** Metadata with only a name, as a user writes it. */
    public static ObjectMeta named(String name) {
        return new ObjectMeta(name, Map.of(), Map.of(), "", 0, 0, Optional.empty());
    }

    public ObjectMeta withResourceVersion(long version) {
        return new ObjectMeta(name, labels, annotations, uid, version, generation, creationTimestamp);
    }

    public ObjectMeta withGeneration(long newGeneration) {
        return new ObjectMeta(name, labels, annotations, uid, resourceVersion, newGeneration,
                creationTimestamp);
    }

    public ObjectMeta withAnnotations(Map<String, String> newAnnotations) {
        return new ObjectMeta(name, labels, newAnnotations, uid, resourceVersion, generation,
                creationTimestamp);
    }

    public ObjectMeta withLabels(Map<String, String> newLabels) {
        return new ObjectMeta(name, newLabels, annotations, uid, resourceVersion, generation,
                creationTimestamp);
    }

    /** The metadata a server gives a new object: uid, creation time, generation 1. */
    public ObjectMeta created(String newUid, Instant now) {
        return new ObjectMeta(name, labels, annotations, newUid, 0, 1, Optional.of(now));
    }

    /**
     * The server-owned fields of {@code stored} with the user-owned fields (labels, annotations)
     * of this metadata, for a replace.
     */
    public ObjectMeta replacing(ObjectMeta stored) {
        return new ObjectMeta(stored.name, labels, annotations, stored.uid, stored.resourceVersion,
                stored.generation, stored.creationTimestamp);
    }

    private static Map<String, String> immutableSorted(Map<String, String> map) {
        // Sorted so that stored YAML and printed output are stable.
        return java.util.Collections.unmodifiableMap(new TreeMap<>(map));
    }
}
