package dev.berth.api;

/**
 * A service: a declared number of identical tasks (or one per node), kept running.
 *
 * @param apiVersion always {@value ApiObject#API_VERSION}
 * @param kind always {@code Service}
 * @param metadata name (a DNS label), labels, server-set fields
 * @param spec what the user wants
 * @param status what the controllers observed; ignored on writes from users
 */
public record Service(String apiVersion, String kind, ObjectMeta metadata, ServiceSpec spec,
        ServiceStatus status) implements ApiObject {

    public Service {
        apiVersion = apiVersion == null ? API_VERSION : apiVersion;
        kind = kind == null ? "Service" : kind;
        metadata = metadata == null ? ObjectMeta.named("") : metadata;
        spec = spec == null ? ServiceSpec.ofImage("") : spec;
        status = status == null ? ServiceStatus.EMPTY : status;
    }

    public static Service of(ObjectMeta metadata, ServiceSpec spec) {
        return new Service(API_VERSION, "Service", metadata, spec, ServiceStatus.EMPTY);
    }

    @Override
    public Service withMetadata(ObjectMeta newMetadata) {
        return new Service(apiVersion, kind, newMetadata, spec, status);
    }

    public Service withSpec(ServiceSpec newSpec) {
        return new Service(apiVersion, kind, metadata, newSpec, status);
    }

    public Service withStatus(ServiceStatus newStatus) {
        return new Service(apiVersion, kind, metadata, spec, newStatus);
    }
}
