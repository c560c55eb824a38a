package dev.berth.manager.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.api.ApiObject;
import java.util.List;

/**
 * The JSON bodies the API answers besides objects and errors. Every field is always written
 * (the shared mapper leaves empty values out, but clients rely on {@code items: []} and
 * {@code leader: ""}).
 */
public final class ApiResponses {

    private ApiResponses() {
    }

    /**
     * A list: {@code {"apiVersion","kind":"ServiceList","resourceVersion":N,"items":[...]}}.
     *
     * @param apiVersion always {@value ApiObject#API_VERSION}
     * @param kind the kind's name followed by {@code List}
     * @param resourceVersion the store revision the list was read at (watch from it)
     * @param items the objects
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ObjectList(String apiVersion, String kind, long resourceVersion, List<ApiObject> items) {
        public ObjectList {
            items = List.copyOf(items);
        }
    }

    /**
     * {@code GET /api/v1/info}.
     *
     * @param version the manager's version
     * @param clusterId the cluster's id
     * @param managerNodeId the node id of the answering manager
     * @param leader the node id of the manager running the controllers; empty if none
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Info(String version, String clusterId, String managerNodeId, String leader) {
    }

    /**
     * {@code POST /api/v1/apply}.
     *
     * @param results what happened to each object, in the order of the body
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ApplyResponse(List<ApiOperations.ApplyResult> results) {
        public ApplyResponse {
            results = List.copyOf(results);
        }
    }

    /**
     * One line of a watch stream.
     *
     * @param type ADDED, MODIFIED, DELETED or ERROR
     * @param object the object, or a {@link WatchError} for ERROR
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record WatchLine(String type, Object object) {
    }

    /**
     * The object of an ERROR line of a watch stream.
     *
     * @param code the HTTP-like status (410: the resourceVersion was compacted, list again)
     * @param message what happened
     * @param field the parameter at fault, if any
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record WatchError(int code, String message, String field) {
    }
}
