package dev.berth.api;

/**
 * An object of Berth's API: what is stored in etcd under {@code /berth/v1/<kind>/<name>}.
 *
 * <p>The set of kinds is closed; every consumer can switch over it exhaustively.
 */
public sealed interface ApiObject permits Service, Task, Node, Cluster, Endpoints,
        ServiceRevision {

    /** The API group and version every object of this release carries. */
    String API_VERSION = "berth.dev/v1";

    String apiVersion();

    String kind();

    ObjectMeta metadata();

    /** A copy of this object with other metadata (used by the store to set resourceVersion). */
    ApiObject withMetadata(ObjectMeta metadata);

    /** The object's name, shorthand for {@code metadata().name()}. */
    default String name() {
        return metadata().name();
    }
}
