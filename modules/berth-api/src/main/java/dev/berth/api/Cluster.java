package dev.berth.api;

/**
 * The cluster's settings; there is one, named {@value #DEFAULT_NAME}.
 *
 * @param apiVersion always {@value ApiObject#API_VERSION}
 * @param kind always {@code Cluster}
 * @param metadata name is {@value #DEFAULT_NAME}
 * @param spec settings
 * @param status what the managers report
 */
public record Cluster(String apiVersion, String kind, ObjectMeta metadata, ClusterSpec spec,
        ClusterStatus status) implements ApiObject {

    public static final String DEFAULT_NAME = "default";

    public Cluster {
        apiVersion = apiVersion == null ? API_VERSION : apiVersion;
        kind = kind == null ? "Cluster" : kind;
        metadata = metadata == null ? ObjectMeta.named(DEFAULT_NAME) : metadata;
        spec = spec == null ? ClusterSpec.DEFAULT : spec;
        status = status == null ? ClusterStatus.EMPTY : status;
    }

    @Override
    public Cluster withMetadata(ObjectMeta newMetadata) {
        return new Cluster(apiVersion, kind, newMetadata, spec, status);
    }
}
