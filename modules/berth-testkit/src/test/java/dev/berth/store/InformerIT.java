package dev.berth.store;

import static dev.berth.store.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import dev.berth.api.Task;
import dev.berth.store.etcd.EtcdStore;
import dev.berth.store.informer.EventHandler;
import dev.berth.store.informer.StoreInformer;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EtcdExtension.class)
class InformerIT {

    /** Records handler calls as "add t1", "update t1", "delete t1", and their threads. */
    static final class Recorder implements EventHandler<Task> {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void onAdd(Task object) {
            record("add " + object.name());
        }

        @Override
        public void onUpdate(Task oldObject, Task newObject) {
            record("update " + newObject.name() + " " + oldObject.spec().nodeId() + "->" + newObject.spec().nodeId());
        }

        @Override
        public void onDelete(Task object) {
            record("delete " + object.name());
        }

        private void record(String call) {
            threads.add(Thread.currentThread().getName());
            calls.add(call);
        }
    }

    private static StoreInformer<Task> tasksInformer(ObjectStore store, Recorder recorder) {
        StoreInformer<Task> informer = new StoreInformer<>(store, Kind.TASK);
        informer.addIndex("service", t -> List.of(t.spec().serviceName()));
        informer.addIndex("node", t -> t.spec().nodeId().isEmpty() ? List.of() : List.of(t.spec().nodeId()));
        informer.addHandler(recorder);
        return informer;
    }

    private static List<String> names(List<? extends ApiObject> objects) {
        return objects.stream().map(ApiObject::name).toList();
    }

    @Test
    void cachesListsWatchesAndIndexes(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        Task t1 = store.create(task("t1", "web", "n1"));
        store.create(task("t2", "web", "n2"));
        store.create(task("t3", "db", "n1"));

        Recorder recorder = new Recorder();
        try (StoreInformer<Task> informer = tasksInformer(store, recorder)) {
            informer.start();
            // The first listing is there when start returns.
            assertThat(names(informer.list())).containsExactly("t1", "t2", "t3");
            assertThat(informer.get("t1")).contains(t1);
            assertThat(informer.revision()).isGreaterThanOrEqualTo(store.list(Kind.TASK).revision());
            assertThat(recorder.calls).containsExactly("add t1", "add t2", "add t3");
            assertThat(names(informer.byIndex("service", "web"))).containsExactly("t1", "t2");
            assertThat(names(informer.byIndex("node", "n1"))).containsExactly("t1", "t3");

            Task moved = store.update(t1.withSpec(t1.spec().withNodeId("n2")));
            store.delete(Kind.TASK, "t3", 0);
            store.create(task("t4", "db", "n3"));

            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.calls.size() == 6);
            assertThat(recorder.calls).endsWith("update t1 n1->n2", "delete t3", "add t4");
            assertThat(informer.get("t1")).contains(moved);
            assertThat(informer.get("t3")).isEmpty();
            assertThat(names(informer.byIndex("node", "n1"))).isEmpty();
            assertThat(names(informer.byIndex("node", "n2"))).containsExactly("t1", "t2");
            assertThat(names(informer.byIndex("service", "db"))).containsExactly("t4");
            assertThat(informer.revision()).isEqualTo(store.currentRevision());
            assertThat(recorder.threads).containsOnly(recorder.threads.get(0));
        }
    }

    @Test
    void seesEveryObjectOfOneTransaction(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        Recorder recorder = new Recorder();
        try (StoreInformer<Task> informer = tasksInformer(store, recorder)) {
            informer.start();
            store.commit(List.of(WriteOp.create(task("a", "web", "n1")), WriteOp.create(task("b", "web", "n1")),
                    WriteOp.create(task("c", "web", "n1"))));
            await().atMost(Duration.ofSeconds(5)).until(() -> informer.list().size() == 3);
            assertThat(recorder.calls).containsExactly("add a", "add b", "add c");
            assertThat(names(informer.byIndex("service", "web"))).containsExactly("a", "b", "c");
        }
    }

    @Test
    void relistsWhenItsRevisionWasCompactedAndReportsWhatChanged(EtcdTestEnv etcd) {
        EtcdStore real = etcd.newStore();
        Task t1 = real.create(task("t1", "web", "n1"));
        real.create(task("t2", "web", "n1"));
        real.create(task("t3", "web", "n1"));
        GatedStore store = new GatedStore(real);
        Recorder recorder = new Recorder();
        try (StoreInformer<Task> informer = tasksInformer(store, recorder)) {
            informer.start();
            long listed = informer.revision();
            recorder.calls.clear();

            // Changes the informer does not see, then compacted away.
            real.update(t1.withSpec(t1.spec().withNodeId("n9")));
            real.delete(Kind.TASK, "t2", 0);
            real.create(task("t4", "db", "n1"));
            real.compact(real.currentRevision());
            assertThat(informer.revision()).isEqualTo(listed);

            store.release(); // its watch from `listed` now meets the compaction

            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.calls.size() >= 3);
            assertThat(recorder.calls).containsExactlyInAnyOrder("update t1 n1->n9", "delete t2", "add t4");
            assertThat(names(informer.list())).containsExactly("t1", "t3", "t4");
            assertThat(names(informer.byIndex("node", "n9"))).containsExactly("t1");
            assertThat(names(informer.byIndex("service", "web"))).containsExactly("t1", "t3");
            assertThat(informer.revision()).isGreaterThan(listed);

            // And it watches again after the relist.
            real.create(task("t5", "db", "n2"));
            await().atMost(Duration.ofSeconds(5)).until(() -> informer.get("t5").isPresent());
            assertThat(recorder.calls).last().isEqualTo("add t5");
        }
    }

    @Test
    void relistsAfterAWatchError(EtcdTestEnv etcd) {
        EtcdStore real = etcd.newStore();
        real.create(task("t1", "web", "n1"));
        GatedStore store = new GatedStore(real).failingFirstWatch();
        Recorder recorder = new Recorder();
        try (StoreInformer<Task> informer = tasksInformer(store, recorder)) {
            informer.start();
            real.delete(Kind.TASK, "t1", 0);
            real.create(task("t2", "web", "n1"));
            store.release();
            await().atMost(Duration.ofSeconds(10)).until(() -> informer.get("t2").isPresent());
            assertThat(informer.get("t1")).isEmpty();
            assertThat(recorder.calls).hasSize(3).startsWith("add t1");
            assertThat(recorder.calls.subList(1, 3)).containsExactlyInAnyOrder("delete t1", "add t2");
        }
    }
}
