package dev.berth.manager.dispatcher;

import dev.berth.testkit.ForwardingObjectStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.api.Kind;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import dev.berth.store.ObjectStore;
import dev.berth.store.TxnResult;
import dev.berth.store.WriteOp;
import dev.berth.store.informer.StoreInformer;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The status writer against the test etcd: batches, forward-only rules, and retries after conflicts. */
@ExtendWith(EtcdExtension.class)
class StatusIngestIT {

    @Test
    void reportsAreWrittenInFewTransactions(EtcdTestEnv env) {
        CountingStore store = new CountingStore(env.newStore());
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            tasks.add(assigned(String.format("task%03d", i), "n1"));
        }
        for (int i = 0; i < tasks.size(); i += 100) {
            store.commit(tasks.subList(i, Math.min(tasks.size(), i + 100)).stream().map(WriteOp::create).toList());
        }
        Task foreign = store.create(assigned("foreign", "n2"));
        StoreInformer<Task> informer = env.register(new StoreInformer<>(store, Kind.TASK));
        informer.start();
        StatusIngest ingest = env.register(new StatusIngest(store, informer, Clock.systemUTC(),
                Duration.ofMillis(50), 128));
        ingest.start();

        // someone else changes a task behind the informer's back: the first write of it conflicts
        Task changed = store.get(Kind.TASK, "task007").orElseThrow();
        store.update(changed.withMetadata(changed.metadata().withLabels(java.util.Map.of("x", "y"))));
        int commitsBefore = store.commits.get();

        List<TaskStatusUpdate> updates = new ArrayList<>();
        for (Task t : tasks) {
            updates.add(update(t.id(), TaskState.STARTING, "starting"));
            updates.add(update(t.id(), TaskState.RUNNING, "started"));
        }
        updates.add(update("foreign", TaskState.RUNNING, "not n1's"));
        updates.add(update("no-such-task", TaskState.RUNNING, "gone"));
        ingest.submit("n1", updates);

        await().atMost(Duration.ofSeconds(20)).until(() -> store.list(Kind.TASK).items().stream()
                .filter(t -> t.status().state() == TaskState.RUNNING).count() == 200);
        // 402 updates of 201 tasks: a handful of batches, not one write per update
        assertThat(store.commits.get() - commitsBefore).isBetween(2, 10);
        assertThat(store.get(Kind.TASK, "task007").orElseThrow().metadata().labels()).containsEntry("x", "y");
        assertThat(store.get(Kind.TASK, "foreign").orElseThrow().status().state()).isEqualTo(TaskState.ASSIGNED);
        assertThat(foreign.status().state()).isEqualTo(TaskState.ASSIGNED);

        // going back is dropped, a later forward change of the same batch applies
        ingest.submit("n1", List.of(update("task001", TaskState.STARTING, "late"),
                update("task001", TaskState.FAILED, "exited")));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                store.get(Kind.TASK, "task001").orElseThrow().status().state() == TaskState.FAILED);
        assertThat(store.get(Kind.TASK, "task001").orElseThrow().status().message()).isEqualTo("exited");

        // the cluster-network address is stored, and a later update without one keeps it
        ingest.submit("n1", List.of(new TaskStatusUpdate("task002", TaskState.RUNNING, "started", "", "c2", -1,
                Instant.now(), "10.42.0.9")));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                store.get(Kind.TASK, "task002").orElseThrow().status().address().equals("10.42.0.9"));
        ingest.submit("n1", List.of(update("task002", TaskState.FAILED, "exited")));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                store.get(Kind.TASK, "task002").orElseThrow().status().state() == TaskState.FAILED);
        assertThat(store.get(Kind.TASK, "task002").orElseThrow().status().address()).isEqualTo("10.42.0.9");

        // health: a same-state update that only brings a new health is written; one without keeps it
        ingest.submit("n1", List.of(health("task003", TaskState.RUNNING, "started", "starting")));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                store.get(Kind.TASK, "task003").orElseThrow().status().health().equals("starting"));
        ingest.submit("n1", List.of(health("task003", TaskState.RUNNING, "started", "healthy")));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                store.get(Kind.TASK, "task003").orElseThrow().status().health().equals("healthy"));
        long version = store.get(Kind.TASK, "task003").orElseThrow().metadata().resourceVersion();
        ingest.submit("n1", List.of(health("task003", TaskState.RUNNING, "started", "unhealthy"),
                new TaskStatusUpdate("task003", TaskState.FAILED, "exited", "unhealthy container", "", 137,
                        Instant.now())));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                store.get(Kind.TASK, "task003").orElseThrow().status().state() == TaskState.FAILED);
        Task failed = store.get(Kind.TASK, "task003").orElseThrow();
        assertThat(failed.metadata().resourceVersion()).isGreaterThan(version);
        assertThat(failed.status().health()).isEqualTo("unhealthy");
        assertThat(failed.status().error()).isEqualTo("unhealthy container");
    }

    private static TaskStatusUpdate health(String id, TaskState state, String message, String health) {
        return new TaskStatusUpdate(id, state, message, "", "", -1, Instant.now(), "", health);
    }

    private static Task assigned(String id, String node) {
        return Tasks.task(id, node, TaskState.RUNNING, TaskState.ASSIGNED)
                .withMetadata(ObjectMeta.named(id))
                .withStatus(TaskStatus.of(TaskState.ASSIGNED, "scheduled", Tasks.T0));
    }

    private static TaskStatusUpdate update(String id, TaskState state, String message) {
        return new TaskStatusUpdate(id, state, message, "", "", -1, Instant.now());
    }

    /** The real store, counting transactions. */
    private static final class CountingStore extends ForwardingObjectStore {

        final AtomicInteger commits = new AtomicInteger();

        CountingStore(ObjectStore delegate) {
            super(delegate);
        }

        @Override
        public TxnResult commit(List<WriteOp> ops) {
            commits.incrementAndGet();
            return delegate().commit(ops);
        }

        @Override
        public void close() {
        }
    }
}
