package dev.berth.api;

/**
 * A server of the cluster. Its name is the node id; its labels are what placement constraints
 * ({@code node.labels.zone == a}) match.
 *
 * @param apiVersion always {@value ApiObject#API_VERSION}
 * @param kind always {@code Node}
 * @param metadata name is the node id; labels are the node's labels
 * @param spec role and availability
 * @param status what the node reported and the manager concluded
 */
public record Node(String apiVersion, String kind, ObjectMeta metadata, NodeSpec spec, NodeStatus status)
        implements ApiObject {

    public Node {
        apiVersion = apiVersion == null ? API_VERSION : apiVersion;
        kind = kind == null ? "Node" : kind;
        metadata = metadata == null ? ObjectMeta.named("") : metadata;
        spec = spec == null ? new NodeSpec(null, null) : spec;
        status = status == null ? new NodeStatus(null, null, null, null, null, null, null) : status;
    }

    public static Node of(ObjectMeta metadata, NodeSpec spec, NodeStatus status) {
        return new Node(API_VERSION, "Node", metadata, spec, status);
    }

    /** The node id (its name). */
    public String id() {
        return metadata.name();
    }

    @Override
    public Node withMetadata(ObjectMeta newMetadata) {
        return new Node(apiVersion, kind, newMetadata, spec, status);
    }

    public Node withSpec(NodeSpec newSpec) {
        return new Node(apiVersion, kind, metadata, newSpec, status);
    }

    public Node withStatus(NodeStatus newStatus) {
        return new Node(apiVersion, kind, metadata, spec, newStatus);
    }
}
