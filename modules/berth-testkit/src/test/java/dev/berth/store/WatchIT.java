package dev.berth.store;

import static dev.berth.store.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.api.Kind;
import dev.berth.api.Service;
import dev.berth.store.etcd.EtcdStore;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EtcdExtension.class)
class WatchIT {

    /** Records what a watch delivers, and on which threads. */
    static final class Recorder implements WatchListener<Service> {
        final List<WatchEvent<Service>> events = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final AtomicLong compactedAt = new AtomicLong(-1);

        @Override
        public void onEvents(List<WatchEvent<Service>> batch) {
            threads.add(Thread.currentThread().getName());
            events.addAll(batch);
        }

        @Override
        public void onCompacted(long compactRevision) {
            compactedAt.set(compactRevision);
        }

        @Override
        public void onError(Throwable error) {
        }
    }

    @Test
    void resumesAfterARevision(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        Service a = store.create(service("a", 1));
        Service b = store.create(service("b", 1));
        long seen = b.metadata().resourceVersion();
        Service b2 = store.update(b.withSpec(b.spec().withReplicas(2)));
        Service c = store.create(service("c", 1));
        store.delete(Kind.SERVICE, "a", a.metadata().resourceVersion());
        // Another kind under the same prefix must not show up.
        store.create(Fixtures.task("t1", "c", "n1"));

        Recorder recorder = new Recorder();
        try (Watch watch = store.watch(Kind.SERVICE, seen, recorder)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.events.size() >= 3);
            Service c2 = store.update(c.withSpec(c.spec().withReplicas(5)));
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.events.size() >= 4);

            assertThat(recorder.events).extracting(WatchEvent::type).containsExactly(
                    WatchEvent.Type.MODIFIED, WatchEvent.Type.ADDED, WatchEvent.Type.DELETED, WatchEvent.Type.MODIFIED);
            assertThat(recorder.events.get(0).object()).isEqualTo(b2);
            assertThat(recorder.events.get(1).object()).isEqualTo(c);
            WatchEvent<Service> deleted = recorder.events.get(2);
            assertThat(deleted.object().name()).isEqualTo("a");
            assertThat(deleted.object().spec()).isEqualTo(a.spec());
            assertThat(deleted.object().metadata().resourceVersion()).isEqualTo(deleted.revision());
            assertThat(recorder.events.get(3).object()).isEqualTo(c2);
            assertThat(recorder.events).extracting(WatchEvent::revision).isSorted();
            assertThat(recorder.events).allSatisfy(e -> assertThat(e.revision()).isGreaterThan(seen));
            assertThat(recorder.threads).containsOnly(recorder.threads.get(0));
        }
    }

    @Test
    void reportsACompactedRevision(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        Service a = store.create(service("a", 1));
        Service a2 = store.update(a.withSpec(a.spec().withReplicas(2)));
        store.update(a2.withSpec(a2.spec().withReplicas(3)));
        long now = store.currentRevision();
        store.compact(now);

        Recorder recorder = new Recorder();
        try (Watch watch = store.watch(Kind.SERVICE, a.metadata().resourceVersion(), recorder)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.compactedAt.get() >= 0);
            assertThat(recorder.compactedAt.get()).isEqualTo(now);
            assertThat(recorder.events).isEmpty();
        }
    }
}
