package dev.berth.api;

/**
 * One scheduled unit of a service: a container on one node. Tasks are created by the service
 * controller, placed by the scheduler and run by agents; users only read them. A restarted task
 * is a new task in the same slot; the old one stays as history.
 *
 * @param apiVersion always {@value ApiObject#API_VERSION}
 * @param kind always {@code Task}
 * @param metadata name is the task id; labels carry the service name
 * @param spec what the task should be
 * @param status what it is
 */
public record Task(String apiVersion, String kind, ObjectMeta metadata, TaskSpec spec,
        TaskStatus status) implements ApiObject {

    /** Label carrying the owning service's name, for selectors ({@code -l berth.service=web}). */
    public static final String SERVICE_LABEL = "berth.service";

    public Task {
        apiVersion = apiVersion == null ? API_VERSION : apiVersion;
        kind = kind == null ? "Task" : kind;
        metadata = metadata == null ? ObjectMeta.named("") : metadata;
        spec = spec == null ? new TaskSpec(null, null, 0, null, null, null) : spec;
        status = status == null ? new TaskStatus(null, null, null, null, null) : status;
    }

    public static Task of(ObjectMeta metadata, TaskSpec spec, TaskStatus status) {
        return new Task(API_VERSION, "Task", metadata, spec, status);
    }

    /** The task id (its name). */
    public String id() {
        return metadata.name();
    }

    /** Swarm's display name: {@code whoami.1} or, for a global task, {@code agent.<nodeId>}. */
    public String displayName() {
        return spec.slot() > 0 ? spec.serviceName() + "." + spec.slot()
                : spec.serviceName() + "." + spec.nodeId();
    }

    /** Whether the task is meant to run and has not stopped: it occupies its slot. */
    public boolean isLive() {
        return spec.desiredState().ordinal() <= TaskState.RUNNING.ordinal() && !status.state().isTerminal();
    }

    @Override
    public Task withMetadata(ObjectMeta newMetadata) {
        return new Task(apiVersion, kind, newMetadata, spec, status);
    }

    public Task withSpec(TaskSpec newSpec) {
        return new Task(apiVersion, kind, metadata, newSpec, status);
    }

    public Task withStatus(TaskStatus newStatus) {
        return new Task(apiVersion, kind, metadata, spec, newStatus);
    }
}
