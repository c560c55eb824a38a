package dev.berth.agent.worker;

import dev.berth.api.ObjectMeta;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.api.TaskTemplate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Tasks for the worker's tests. */
final class Tasks {

    private Tasks() {
    }

    static Task task(String id, int slot, String image) {
        TaskTemplate t = ServiceSpec.ofImage(image).taskTemplate();
        return Task.of(ObjectMeta.named(id), new TaskSpec("web", "uid-web", slot, "node1", TaskState.RUNNING, t),
                TaskStatus.of(TaskState.ASSIGNED, "assigned", Instant.EPOCH));
    }

    static Task withCommand(Task task, List<String> command, List<String> args, String signal, Duration grace) {
        TaskTemplate t = task.spec().template();
        TaskTemplate n = new TaskTemplate(t.image(), command, args, t.env(), t.ports(), t.resources(), t.placement(),
                t.restartPolicy(), signal, grace);
        return task.withSpec(new TaskSpec(task.spec().serviceName(), task.spec().serviceUid(), task.spec().slot(),
                task.spec().nodeId(), task.spec().desiredState(), n));
    }

    static Task withPorts(Task task, List<dev.berth.api.PortConfig> ports) {
        TaskTemplate t = task.spec().template();
        TaskTemplate n = new TaskTemplate(t.image(), t.command(), t.args(), t.env(), ports, t.resources(), t.placement(),
                t.restartPolicy(), t.stopSignal(), t.stopGracePeriod());
        return task.withSpec(new TaskSpec(task.spec().serviceName(), task.spec().serviceUid(), task.spec().slot(),
                task.spec().nodeId(), task.spec().desiredState(), n));
    }

    static Task withHealth(Task task, dev.berth.api.HealthCheck check, boolean init) {
        TaskTemplate t = task.spec().template();
        TaskTemplate n = new TaskTemplate(t.image(), t.command(), t.args(), t.env(), t.ports(), t.resources(),
                t.placement(), t.restartPolicy(), t.stopSignal(), t.stopGracePeriod(), check, init);
        return task.withSpec(new TaskSpec(task.spec().serviceName(), task.spec().serviceUid(), task.spec().slot(),
                task.spec().nodeId(), task.spec().desiredState(), n));
    }

    static Task inState(Task task, TaskState state) {
        return task.withStatus(TaskStatus.of(state, state.display(), Instant.EPOCH));
    }

    static Task desired(Task task, TaskState desired) {
        return task.withSpec(task.spec().withDesiredState(desired));
    }
}
