package dev.berth.store;

import static dev.berth.store.Fixtures.service;
import static dev.berth.store.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import dev.berth.api.Service;
import dev.berth.api.Task;
import dev.berth.api.codec.Codec;
import dev.berth.store.etcd.EtcdStore;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EtcdExtension.class)
class EtcdStoreIT {

    @Test
    void createGetListDelete(EtcdTestEnv etcd) throws Exception {
        EtcdStore store = etcd.newStore();
        Service web = store.create(service("web", 3));
        Service db = store.create(service("db", 1));

        assertThat(web.metadata().resourceVersion()).isPositive();
        assertThat(db.metadata().resourceVersion()).isGreaterThan(web.metadata().resourceVersion());
        assertThat(store.get(Kind.SERVICE, "web")).contains(web);
        assertThat(store.get(Kind.SERVICE, "nope")).isEmpty();

        Listing<Service> listing = store.list(Kind.SERVICE);
        assertThat(listing.items()).containsExactly(db, web); // key order
        assertThat(listing.revision()).isEqualTo(db.metadata().resourceVersion());
        assertThat(store.list(Kind.TASK).items()).isEmpty();

        // Stored under the prefix, without the resourceVersion (that is the key's mod_revision).
        var raw = etcd.client().getKVClient()
                .get(ByteSequence.from(etcd.prefix() + "/berth/v1/services/web", StandardCharsets.UTF_8))
                .get(5, TimeUnit.SECONDS).getKvs();
        assertThat(raw).hasSize(1);
        Service stored = Codec.fromJsonBytes(raw.get(0).getValue().getBytes(), Kind.SERVICE);
        assertThat(stored.metadata().resourceVersion()).isZero();
        assertThat(stored.spec()).isEqualTo(web.spec());

        store.delete(Kind.SERVICE, "web", 0);
        assertThat(store.get(Kind.SERVICE, "web")).isEmpty();
        assertThatThrownBy(() -> store.delete(Kind.SERVICE, "web", 0))
                .isInstanceOf(StoreException.NotFound.class).hasMessageContaining("web");
        assertThat(store.list(Kind.SERVICE).items()).containsExactly(db);
        assertThat(store.currentRevision()).isGreaterThan(db.metadata().resourceVersion());
    }

    @Test
    void aNamePrefixListsOnlyTheObjectsItStarts(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        Service web = store.create(service("web", 1));
        Service webApi = store.create(service("web-api", 1));
        Service webApi2 = store.create(service("web-api2", 1));
        store.create(service("webby", 1));
        store.create(service("db", 1));
        assertThat(store.list(Kind.SERVICE, "web-").items()).containsExactly(webApi, webApi2);
        assertThat(store.list(Kind.SERVICE, "web-api").items()).containsExactly(webApi, webApi2);
        assertThat(store.list(Kind.SERVICE, "web").items()).hasSize(4).contains(web);
        assertThat(store.list(Kind.SERVICE, "nope-").items()).isEmpty();
        assertThat(store.list(Kind.SERVICE, "").items()).hasSize(5);
    }

    @Test
    void prefixesIsolateStores(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        EtcdStore other = etcd.register(EtcdStore.over(etcd.client(), etcd.prefix() + "-other"));
        store.create(service("web", 1));
        assertThat(other.get(Kind.SERVICE, "web")).isEmpty();
        assertThat(other.list(Kind.SERVICE).items()).isEmpty();
    }

    @Test
    void createOfAnExistingNameIsRefused(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        Service first = store.create(service("web", 1));
        assertThatThrownBy(() -> store.create(service("web", 5)))
                .isInstanceOf(StoreException.AlreadyExists.class)
                .hasMessage("service web already exists");
        assertThat(store.get(Kind.SERVICE, "web")).contains(first);
    }

    @Test
    void secondUpdateFromTheSameReadConflicts(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        store.create(service("web", 1));
        Service read = store.get(Kind.SERVICE, "web").orElseThrow();

        Service first = store.update(read.withSpec(read.spec().withReplicas(2)));
        assertThat(first.metadata().resourceVersion()).isGreaterThan(read.metadata().resourceVersion());

        assertThatThrownBy(() -> store.update(read.withSpec(read.spec().withReplicas(7))))
                .isInstanceOf(StoreException.Conflict.class)
                .hasMessageContaining("service web")
                .hasMessageContaining("expected version " + read.metadata().resourceVersion())
                .hasMessageContaining("stored version " + first.metadata().resourceVersion());
        assertThat(store.get(Kind.SERVICE, "web").orElseThrow().spec().replicas()).isEqualTo(2);
        assertThat(store.get(Kind.SERVICE, "web")).contains(first);
    }

    @Test
    void updateOrConditionalDeleteOfAMissingObjectIsNotFound(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        Service ghost = service("ghost", 1);
        assertThatThrownBy(() -> store.update(ghost.withMetadata(ghost.metadata().withResourceVersion(5))))
                .isInstanceOf(StoreException.NotFound.class).hasMessageContaining("ghost");
        assertThatThrownBy(() -> store.delete(Kind.SERVICE, "ghost", 5))
                .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    void conditionalDeleteChecksTheVersion(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        Service v1 = store.create(service("web", 1));
        Service v2 = store.update(v1.withSpec(v1.spec().withReplicas(4)));
        assertThatThrownBy(() -> store.delete(Kind.SERVICE, "web", v1.metadata().resourceVersion()))
                .isInstanceOf(StoreException.Conflict.class);
        assertThat(store.get(Kind.SERVICE, "web")).contains(v2);
        store.delete(Kind.SERVICE, "web", v2.metadata().resourceVersion());
        assertThat(store.get(Kind.SERVICE, "web")).isEmpty();
    }

    @Test
    void transactionIsAllOrNothing(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        Service web = store.create(service("web", 1));
        Service stale = web;
        store.update(web.withSpec(web.spec().withReplicas(2))); // makes `stale` stale

        List<WriteOp> ops = List.of(
                WriteOp.create(task("t1", "web", "n1")),
                WriteOp.create(task("t2", "web", "n1")),
                WriteOp.update(stale.withSpec(stale.spec().withReplicas(9))));
        long before = store.currentRevision();
        assertThatThrownBy(() -> store.commit(ops))
                .isInstanceOf(StoreException.Conflict.class)
                .hasMessageContaining("service web expected version " + stale.metadata().resourceVersion());
        assertThat(store.list(Kind.TASK).items()).isEmpty();
        assertThat(store.get(Kind.SERVICE, "web").orElseThrow().spec().replicas()).isEqualTo(2);
        assertThat(store.currentRevision()).isEqualTo(before);
    }

    @Test
    void transactionStoresEverythingAtOneRevision(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        Service web = store.create(service("web", 1));
        Task old = store.create(task("t0", "web", "n1"));
        TxnResult result = store.commit(List.of(
                WriteOp.create(task("t1", "web", "n1")),
                WriteOp.update(web.withSpec(web.spec().withReplicas(2))),
                WriteOp.delete(old)));

        assertThat(result.stored()).hasSize(2);
        assertThat(result.stored()).allSatisfy(o -> assertThat(o.metadata().resourceVersion()).isEqualTo(result.revision()));
        assertThat(store.get(Kind.TASK, "t1")).contains((Task) result.stored().get(0));
        assertThat(store.get(Kind.SERVICE, "web")).contains((Service) result.stored().get(1));
        assertThat(store.get(Kind.TASK, "t0")).isEmpty();
    }

    @Test
    void fullTransactionsPassAndLargerOnesAreRefused(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        List<WriteOp> full = new ArrayList<>();
        for (int i = 0; i < store.maxTxnOps(); i++) {
            full.add(WriteOp.create(task("t" + i, "web", "n1")));
        }
        TxnResult result = store.commit(full);
        assertThat(result.stored()).hasSize(128);
        assertThat(store.list(Kind.TASK).items()).hasSize(128);

        List<WriteOp> tooMany = new ArrayList<>();
        for (int i = 0; i <= store.maxTxnOps(); i++) {
            tooMany.add(WriteOp.create(task("u" + i, "web", "n1")));
        }
        assertThatThrownBy(() -> store.commit(tooMany))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 128");
        assertThat(store.list(Kind.TASK).items()).hasSize(128);
    }

    @Test
    void twoWritesOfOneObjectInATransactionAreRefused(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        Service web = store.create(service("web", 1));
        assertThatThrownBy(() -> store.commit(List.of(
                WriteOp.update(web.withSpec(web.spec().withReplicas(2))),
                WriteOp.update(web.withSpec(web.spec().withReplicas(3))))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate key");
        assertThat(store.get(Kind.SERVICE, "web")).contains(web);
    }

    @Test
    void unreachableEtcdIsUnavailable() {
        try (Client client = EtcdStore.newClient(List.of("http://127.0.0.1:" + EtcdExtension.freePort()));
                EtcdStore store = EtcdStore.over(client, "/nowhere", Duration.ofSeconds(1))) {
            assertThatThrownBy(() -> store.get(Kind.SERVICE, "web"))
                    .isInstanceOf(StoreException.Unavailable.class).hasMessageContaining("get Service web");
            assertThatThrownBy(() -> store.create(service("web", 1)))
                    .isInstanceOf(StoreException.Unavailable.class);
        }
    }

    @Test
    void listingPagesThroughManyObjectsAtOneRevision(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        List<WriteOp> batch = new ArrayList<>();
        for (int i = 0; i < 2100; i++) {
            batch.add(WriteOp.create(task(String.format("t%05d", i), "web", "n1")));
            if (batch.size() == store.maxTxnOps()) {
                store.commit(batch);
                batch.clear();
            }
        }
        store.commit(batch);
        Listing<Task> listing = store.list(Kind.TASK);
        assertThat(listing.items()).hasSize(2100);
        assertThat(listing.items()).extracting(ApiObject::name).isSorted().doesNotHaveDuplicates();
        assertThat(listing.revision()).isEqualTo(store.currentRevision());
    }

    @Test
    void writesTenThousandTasksInFullTransactionsQuickly(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            tasks.add(task(String.format("t%05d", i), "svc" + (i % 50), "n" + (i % 100)));
        }
        long start = System.nanoTime();
        List<Task> stored = new ArrayList<>();
        for (int from = 0; from < tasks.size(); from += store.maxTxnOps()) {
            List<WriteOp> batch = new ArrayList<>();
            for (Task t : tasks.subList(from, Math.min(tasks.size(), from + store.maxTxnOps()))) {
                batch.add(WriteOp.create(t));
            }
            store.commit(batch).stored().forEach(o -> stored.add((Task) o));
        }
        long created = System.nanoTime();
        for (int from = 0; from < stored.size(); from += store.maxTxnOps()) {
            List<WriteOp> batch = new ArrayList<>();
            for (Task t : stored.subList(from, Math.min(stored.size(), from + store.maxTxnOps()))) {
                batch.add(WriteOp.update(t.withSpec(t.spec().withNodeId("m" + t.spec().nodeId()))));
            }
            store.commit(batch);
        }
        long updated = System.nanoTime();
        org.apache.logging.log4j.LogManager.getLogger(EtcdStoreIT.class).info(
                "10,000 tasks: created in {} ms, updated in {} ms",
                (created - start) / 1_000_000, (updated - created) / 1_000_000);
        Listing<Task> listing = store.list(Kind.TASK);
        assertThat(listing.items()).hasSize(10_000);
        assertThat(listing.items()).allSatisfy(t -> assertThat(t.spec().nodeId()).startsWith("mn"));
        // Generous bound for a shared 2-core machine; typically a few seconds.
        assertThat(Duration.ofNanos(updated - start)).isLessThan(Duration.ofSeconds(60));
    }
}
