package dev.berth.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.api.ByteSize;
import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeState;
import dev.berth.api.NodeStatus;
import dev.berth.api.ObjectMeta;
import dev.berth.api.PortConfig;
import dev.berth.api.Protocol;
import dev.berth.api.PublishMode;
import dev.berth.api.ResourceList;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.UpdateConfig;
import dev.berth.controllers.rollout.Revisions;
import dev.berth.store.ObjectStore;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stop-first rollout of a service publishing a host-mode port on a one-node cluster: the
 * replacement is not placed while the old task, shut down but not yet reported stopped, still
 * holds the port (it would fail to bind it and count as a failed update); once the old task is
 * reported stopped, the replacement is placed on the same node. The test plays the agent.
 */
@ExtendWith(EtcdExtension.class)
class HostPortHandoverIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static Node node(String id) {
        return Node.of(ObjectMeta.named(id).created("uid-" + id, Instant.now()),
                new NodeSpec(NodeRole.WORKER, NodeAvailability.ACTIVE),
                new NodeStatus(NodeState.READY, "", id, "127.0.0.1", new ResourceList(4, ByteSize.parse("8Gi")), "",
                        Optional.of(Instant.now())));
    }

    private static ServiceSpec spec(String image) {
        UpdateConfig update = new UpdateConfig(1, Duration.ZERO, null, Duration.ZERO, null, null);
        return new ServiceSpec(image, ServiceMode.REPLICATED, 1, null, null, null,
                List.of(new PortConfig(8080, 80, Protocol.TCP, PublishMode.HOST)), null, null, null, update, null,
                null, null, null);
    }

    private static List<Task> tasks(ObjectStore store) {
        return store.list(Kind.TASK).items().stream().filter(t -> t.spec().serviceName().equals("hp")).toList();
    }

    @Test
    void theReplacementWaitsForTheOldTaskToReleaseItsHostPort(EtcdTestEnv env) {
        ObjectStore store = env.newStore();
        store.create(node("hp-1"));
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC())) {
            manager.start();
            Service created = Service.of(ObjectMeta.named("hp").created("uid-hp", Instant.now()), spec("app:1"));
            store.create(Revisions.onCreate(created, Instant.now()).service());
            Task old = await().atMost(TIMEOUT).until(() -> tasks(store),
                    l -> l.size() == 1 && l.get(0).status().state() == TaskState.ASSIGNED).get(0);
            store.update(old.withStatus(old.status().movedTo(TaskState.RUNNING, "started", "", Instant.now())));

            // a new image, as the API server writes it: a revision, and its rollout started
            // (the controllers write the service's status too: retried as the API server does)
            await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
                Service stored = store.get(Kind.SERVICE, "hp").orElseThrow();
                store.update(Revisions.onReplace(stored, stored.withSpec(spec("app:2")), List.of(), Instant.now())
                        .service());
                return true;
            });
            Task stopping = await().atMost(TIMEOUT).until(() -> store.get(Kind.TASK, old.id()).orElseThrow(),
                    t -> t.spec().desiredState() == TaskState.SHUTDOWN);
            assertThat(stopping.status().state()).as("the agent has not stopped it yet").isEqualTo(TaskState.RUNNING);
            Task replacement = await().atMost(TIMEOUT).until(() -> tasks(store).stream()
                    .filter(t -> t.spec().template().image().equals("app:2")).toList(),
                    l -> l.size() == 1 && l.get(0).status().state() == TaskState.PENDING).get(0);
            assertThat(replacement.status().error()).contains("host-mode port already in use");
            // it stays unplaced while the old task holds the port
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() ->
                    store.get(Kind.TASK, replacement.id()).orElseThrow().spec().nodeId().isEmpty());

            await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
                Task current = store.get(Kind.TASK, old.id()).orElseThrow();
                store.update(current.withStatus(current.status().movedTo(TaskState.SHUTDOWN, "stopped", "",
                        Instant.now())));
                return true;
            });
            Task placed = await().atMost(TIMEOUT).until(() -> store.get(Kind.TASK, replacement.id()).orElseThrow(),
                    t -> t.status().state() == TaskState.ASSIGNED);
            assertThat(placed.spec().nodeId()).isEqualTo("hp-1");
        }
    }
}
