package dev.berth.manager.dispatcher;

import dev.berth.api.ObjectMeta;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Task fixtures for the dispatcher's unit tests. */
final class Tasks {

    static final Instant T0 = Instant.parse("2026-11-28T18:00:00Z");

    private Tasks() {
    }

    static Task task(String id, String node, TaskState desired, TaskState state) {
        ObjectMeta meta = new ObjectMeta(id, Map.of(), Map.of(), "", 7, 0, Optional.empty());
        TaskSpec spec = new TaskSpec("web", "uid-1", 1, node, desired, ServiceSpec.ofImage("img:1").taskTemplate());
        return Task.of(meta, spec, TaskStatus.of(state, "", T0));
    }
}
