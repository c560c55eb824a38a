package dev.berth.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.api.ByteSize;
import dev.berth.api.Cluster;
import dev.berth.api.ClusterSpec;
import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeState;
import dev.berth.api.NodeStatus;
import dev.berth.api.ObjectMeta;
import dev.berth.api.ResourceList;
import dev.berth.api.RestartCondition;
import dev.berth.api.RestartPolicy;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.store.ObjectStore;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Restarts in a slot leave history, and the reaper trims it to the cluster's limit. The test plays
 * the agent: it moves assigned tasks to FAILED in the store.
 */
@ExtendWith(EtcdExtension.class)
class TaskHistoryIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static List<Task> tasksOf(ObjectStore store, String service) {
        return store.list(Kind.TASK).items().stream().filter(t -> t.spec().serviceName().equals(service)).toList();
    }

    @Test
    void failedTasksAreReplacedInTheirSlotAndHistoryIsTrimmed(EtcdTestEnv env) {
        ObjectStore store = env.newStore();
        store.create(Node.of(ObjectMeta.named("h-1").created("uid-h-1", Instant.now()),
                new NodeSpec(NodeRole.WORKER, NodeAvailability.ACTIVE),
                new NodeStatus(NodeState.READY, "", "h-1", "127.0.0.1", new ResourceList(4, ByteSize.parse("8Gi")), "",
                        Optional.empty())));
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC())) {
            manager.start();
            // no restart delay: this test is about history, RestartPolicyIT about delays
            ServiceSpec spec = new ServiceSpec("example/whoami:1", ServiceMode.REPLICATED, 1, null, null, null, null,
                    null, null, new RestartPolicy(RestartCondition.ANY, Duration.ZERO, 0, Duration.ZERO), null, null,
                    null, null, null);
            store.create(Service.of(ObjectMeta.named("flaky").created("uid-flaky", Instant.now()), spec));
            Set<String> failed = new TreeSet<>();
            for (int i = 0; i < 8; i++) {
                Task live = await().atMost(TIMEOUT).until(() -> tasksOf(store, "flaky").stream()
                        .filter(t -> t.isLive() && t.status().state() == TaskState.ASSIGNED).findFirst(),
                        Optional::isPresent).orElseThrow();
                assertThat(live.spec().slot()).isEqualTo(1);
                store.update(live.withStatus(live.status().movedTo(TaskState.FAILED, "exited", "exit 1",
                        Instant.now())));
                failed.add(live.id());
            }
            // 8 failures: one live replacement, the 5 newest failed tasks kept, 3 deleted
            await().atMost(TIMEOUT).untilAsserted(() -> {
                List<Task> tasks = tasksOf(store, "flaky");
                assertThat(tasks.stream().filter(Task::isLive)).hasSize(1);
                assertThat(tasks.stream().filter(t -> !t.isLive()).map(Task::id)).hasSize(5)
                        .allMatch(failed::contains);
            });

            store.create(new Cluster(null, null, ObjectMeta.named(Cluster.DEFAULT_NAME), new ClusterSpec(2), null));
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                    tasksOf(store, "flaky").stream().filter(t -> !t.isLive())).hasSize(2));
            assertThat(tasksOf(store, "flaky")).allMatch(t -> t.spec().slot() == 1);
        }
    }
}
