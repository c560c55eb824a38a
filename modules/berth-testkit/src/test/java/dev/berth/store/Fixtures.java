package dev.berth.store;

import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import java.time.Instant;

/** Small objects for the store's integration tests. */
final class Fixtures {

    private Fixtures() {
    }

    static Service service(String name, int replicas) {
        return Service.of(ObjectMeta.named(name), ServiceSpec.ofImage("example/" + name + ":1").withReplicas(replicas));
    }

    static Task task(String id, String service, String nodeId) {
        return Task.of(ObjectMeta.named(id),
                new TaskSpec(service, "uid-" + service, 1, nodeId, TaskState.RUNNING, null),
                TaskStatus.of(TaskState.NEW, "created", Instant.parse("2026-01-01T00:00:00Z")));
    }
}
