package dev.berth.api;

/**
 * One revision of a service's spec: what {@code rollout history} lists and {@code rollout undo}
 * returns to. The API server writes one in the same transaction as every change of a service's
 * task template (a new image, env, health check...; not a scale), and the rollout controller one
 * with every automatic rollback. Written by the server only; deleted with the service. The newest
 * {@link #HISTORY_LIMIT} of a service are kept.
 *
 * @param apiVersion always {@value ApiObject#API_VERSION}
 * @param kind always {@code ServiceRevision}
 * @param metadata name is {@code <service>-<revision>}; the {@link Task#SERVICE_LABEL} label names
 *     the service
 * @param serviceName the service this is a revision of
 * @param serviceUid that service's uid, so a revision of a deleted-and-recreated service is told apart
 * @param revision the revision number, 1 for the spec a service was created with, one up for
 *     every later revision
 * @param spec the service's whole spec at this revision
 * @param changeCause what changed from the revision before ({@code image: a:1 -> a:2}), or the
 *     service's {@value #CHANGE_CAUSE_ANNOTATION} annotation when it has one
 */
public record ServiceRevision(String apiVersion, String kind, ObjectMeta metadata, String serviceName,
        String serviceUid, long revision, ServiceSpec spec, String changeCause) implements ApiObject {

    /** How many revisions of a service are kept (Kubernetes' revisionHistoryLimit default). */
    public static final int HISTORY_LIMIT = 10;

    /** A service annotation that, when set, is recorded as its next revision's change cause. */
    public static final String CHANGE_CAUSE_ANNOTATION = "berth.dev/change-cause";

    public ServiceRevision {
        apiVersion = apiVersion == null ? API_VERSION : apiVersion;
        kind = kind == null ? "ServiceRevision" : kind;
        metadata = metadata == null ? ObjectMeta.named("") : metadata;
        serviceName = serviceName == null ? "" : serviceName;
        serviceUid = serviceUid == null ? "" : serviceUid;
        spec = spec == null ? ServiceSpec.ofImage("") : spec;
        changeCause = changeCause == null ? "" : changeCause;
    }

    /** The name of revision {@code revision} of the service {@code serviceName}. */
    public static String nameOf(String serviceName, long revision) {
        return serviceName + "-" + revision;
    }

    @Override
    public ServiceRevision withMetadata(ObjectMeta newMetadata) {
        return new ServiceRevision(apiVersion, kind, newMetadata, serviceName, serviceUid, revision, spec,
                changeCause);
    }
}
