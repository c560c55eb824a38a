package dev.berth.controllers;

import dev.berth.testkit.ForwardingObjectStore;
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
import dev.berth.api.ResourceList;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.store.ObjectStore;
import dev.berth.store.TxnResult;
import dev.berth.store.WriteOp;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A large service on many nodes: every task ends up assigned exactly once, evenly spread. The
 * placement rate is logged (measured here, asserted nowhere; the benchmark owns the number).
 */
@ExtendWith(EtcdExtension.class)
class ScaleIT {

    private static final Logger LOG = LogManager.getLogger(ScaleIT.class);
    private static final int NODES = 200;
    private static final int REPLICAS = 10_000;

    @Test
    void tenThousandTasksOnTwoHundredNodes(EtcdTestEnv env) {
        AtomicLong assignedCount = new AtomicLong();
        ObjectStore store = new CountingStore(env.newStore(), assignedCount);
        List<WriteOp> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            String id = String.format("n%03d", i);
            nodes.add(WriteOp.create(Node.of(ObjectMeta.named(id).created(id, Instant.now()),
                    new NodeSpec(NodeRole.WORKER, NodeAvailability.ACTIVE),
                    new NodeStatus(NodeState.READY, "", id, "127.0.0.1", new ResourceList(64, ByteSize.parse("256Gi")),
                            "", Optional.empty()))));
        }
        nodes.stream().collect(Collectors.groupingBy(op -> nodes.indexOf(op) / store.maxTxnOps()))
                .values().forEach(store::commit);
        try (ControllerManager manager = new ControllerManager(store, Clock.systemUTC())) {
            manager.start();
            long start = System.nanoTime();
            store.create(Service.of(ObjectMeta.named("big").created("uid-big", Instant.now()),
                    Fixtures.spec(ServiceMode.REPLICATED, REPLICAS, List.of(), "16Mi")));
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(10)).until(() ->
                    assignedCount.get() >= REPLICAS);
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info("{} tasks created and assigned on {} nodes in {} s ({} placements/s)", REPLICAS, NODES,
                    String.format("%.2f", seconds), String.format("%.0f", REPLICAS / seconds));
            List<Task> live = store.list(Kind.TASK).items().stream().filter(Task::isLive).toList();
            assertThat(live).hasSize(REPLICAS);
            Map<String, Long> perNode = live.stream()
                    .collect(Collectors.groupingBy(t -> t.spec().nodeId(), Collectors.counting()));
            assertThat(perNode).hasSize(NODES);
            assertThat(perNode.values()).allMatch(n -> n == REPLICAS / NODES);
            assertThat(assignedCount.get()).as("no task assigned twice").isEqualTo(REPLICAS);
        }
    }

    /** Counts the assignments committed through it, so that measuring costs no reads. */
    private static final class CountingStore extends ForwardingObjectStore {
        private final AtomicLong assigned;

        CountingStore(ObjectStore delegate, AtomicLong assigned) {
            super(delegate);
            this.assigned = assigned;
        }

        @Override
        public TxnResult commit(List<WriteOp> ops) {
            TxnResult result = delegate().commit(ops);
            assigned.addAndGet(result.stored().stream()
                    .filter(o -> o instanceof Task t && t.status().state() == TaskState.ASSIGNED).count());
            return result;
        }
    }
}
