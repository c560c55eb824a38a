package dev.berth.controllers;

import dev.berth.api.ByteSize;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeState;
import dev.berth.api.NodeStatus;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Placement;
import dev.berth.api.ResourceList;
import dev.berth.api.Resources;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Builders of test objects. */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Fixtures() {
    }

    public static Node node(String id, NodeState state, NodeAvailability availability, Map<String, String> labels) {
        return Node.of(ObjectMeta.named(id).withLabels(labels).withResourceVersion(1),
                new NodeSpec(NodeRole.WORKER, availability),
                new NodeStatus(state, "", id + ".local", "127.0.0.1",
                        new ResourceList(4, ByteSize.parse("8Gi")), "", Optional.empty()));
    }

    public static Node readyNode(String id) {
        return node(id, NodeState.READY, NodeAvailability.ACTIVE, Map.of());
    }

    public static ServiceSpec spec(ServiceMode mode, int replicas, List<String> constraints, String memory) {
        return new ServiceSpec("example/whoami:1", mode, replicas, null, null, null, null,
                new Resources(new ResourceList(0, ByteSize.parse(memory)), null),
                new Placement(constraints, 0, null), null, null, null, null, null, null);
    }

    public static Service replicated(String name, int replicas) {
        return service(name, spec(ServiceMode.REPLICATED, replicas, List.of(), "0"));
    }

    public static Service global(String name, String... constraints) {
        return service(name, spec(ServiceMode.GLOBAL, 0, List.of(constraints), "0"));
    }

    public static Service service(String name, ServiceSpec spec) {
        return Service.of(ObjectMeta.named(name).created("uid-" + name, T0).withResourceVersion(2), spec);
    }

    /** A task of {@code svc} in {@code slot} on {@code nodeId} ("" for none), created at T0 + age seconds. */
    public static Task task(Service svc, String id, int slot, String nodeId, TaskState desired, TaskState state,
            int createdSecond) {
        return Task.of(ObjectMeta.named(id).withLabels(Map.of(Task.SERVICE_LABEL, svc.name()))
                        .created(id, T0.plusSeconds(createdSecond)).withResourceVersion(10 + createdSecond),
                new TaskSpec(svc.name(), svc.metadata().uid(), slot, nodeId, desired, svc.spec().taskTemplate()),
                new TaskStatus(state, "", "", Optional.of(T0), ""));
    }

    public static Task running(Service svc, String id, int slot, String nodeId) {
        return task(svc, id, slot, nodeId, TaskState.RUNNING, TaskState.RUNNING, 0);
    }

    /** Ids id1, id2, ... */
    public static Supplier<String> ids() {
        int[] n = {0};
        return () -> "new" + (++n[0]);
    }
}
