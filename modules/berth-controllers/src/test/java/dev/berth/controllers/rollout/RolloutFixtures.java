package dev.berth.controllers.rollout;

import dev.berth.api.FailureAction;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.api.ServiceStatus;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.api.UpdateConfig;
import dev.berth.api.UpdateOrder;
import dev.berth.api.UpdateStatus;
import dev.berth.controllers.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builders of services at a revision and of their tasks, for the rollout tests. */
final class RolloutFixtures {

    static final String NAME = "web";
    static final String UID = "uid-web";

    private RolloutFixtures() {
    }

    static UpdateConfig config(int parallelism, int delaySeconds, FailureAction action, int monitorSeconds,
            double maxFailureRatio, UpdateOrder order) {
        return new UpdateConfig(parallelism, Duration.ofSeconds(delaySeconds), action,
                Duration.ofSeconds(monitorSeconds), maxFailureRatio, order);
    }

    static ServiceSpec spec(String image, ServiceMode mode, int replicas, UpdateConfig update, UpdateConfig rollback) {
        return new ServiceSpec(image, mode, replicas, null, null, null, null, null, null, null, update, rollback,
                null, null, null);
    }

    static ServiceSpec spec(String image, int replicas, UpdateConfig update) {
        return spec(image, ServiceMode.REPLICATED, replicas, update, null);
    }

    /** The service {@code web} with {@code spec} at {@code revision}, its latest rollout {@code update}. */
    static Service service(ServiceSpec spec, long revision, UpdateStatus update) {
        return Fixtures.service(NAME, spec).withStatus(ServiceStatus.EMPTY.withRevision(revision).withUpdate(update));
    }

    /**
     * A task of {@code spec}'s template in {@code slot} (or on {@code node} for a global task: slot 0),
     * created at {@code created}, its status {@code state} since {@code stateAt}.
     */
    static Task task(ServiceSpec spec, String id, int slot, String node, TaskState desired, TaskState state,
            Instant created, Instant stateAt) {
        return Task.of(ObjectMeta.named(id).withLabels(Map.of(Task.SERVICE_LABEL, NAME)).created(id, created)
                        .withResourceVersion(10),
                new TaskSpec(NAME, UID, slot, node, desired, spec.taskTemplate()),
                new TaskStatus(state, "", "", Optional.of(stateAt), ""));
    }

    /** A task of {@code spec} running in {@code slot} since {@code since}, created a second before. */
    static Task running(ServiceSpec spec, String id, int slot, Instant since) {
        return task(spec, id, slot, "n1", TaskState.RUNNING, TaskState.RUNNING, since.minusSeconds(1), since);
    }

    static Task withHealth(Task task, String health) {
        TaskStatus s = task.status();
        return task.withStatus(new TaskStatus(s.state(), s.message(), s.error(), s.timestamp(), s.containerId(),
                s.address(), health));
    }

    static Task withError(Task task, String error) {
        TaskStatus s = task.status();
        return task.withStatus(new TaskStatus(s.state(), s.message(), error, s.timestamp(), s.containerId(),
                s.address(), s.health()));
    }

    static Task annotated(Task task, String key, String value) {
        ObjectMeta m = task.metadata();
        Map<String, String> annotations = new HashMap<>(m.annotations());
        annotations.put(key, value);
        return task.withMetadata(new ObjectMeta(m.name(), m.labels(), annotations, m.uid(), m.resourceVersion(),
                m.generation(), m.creationTimestamp()));
    }

    /** {@code tasks} with the planned writes applied (by id) and {@code added} appended. */
    static List<Task> apply(Collection<Task> tasks, List<Task> writes, Task... added) {
        Map<String, Task> byId = new LinkedHashMap<>();
        tasks.forEach(t -> byId.put(t.id(), t));
        writes.forEach(t -> byId.put(t.id(), t));
        List<Task> out = new ArrayList<>(byId.values());
        out.addAll(List.of(added));
        return out;
    }

    /**
     * {@code tasks} as their agents leave them: every task asked to shut down that was on a node
     * (ASSIGNED or later) reported stopped at {@code at}.
     */
    static List<Task> stoppedByAgents(List<Task> tasks, Instant at) {
        List<Task> out = new ArrayList<>();
        for (Task t : tasks) {
            boolean stopping = t.spec().desiredState() == TaskState.SHUTDOWN && !t.status().state().isTerminal()
                    && t.status().state().ordinal() >= TaskState.ASSIGNED.ordinal();
            out.add(stopping ? t.withStatus(t.status().movedTo(TaskState.SHUTDOWN, "shut down", "", at)) : t);
        }
        return out;
    }

    /** {@code tasks} with the one of id {@code id} replaced by {@code replacement}. */
    static List<Task> replace(List<Task> tasks, Task replacement) {
        return apply(tasks, List.of(replacement));
    }
}
