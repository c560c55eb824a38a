package dev.berth.controllers.rollout;

import static dev.berth.controllers.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.ServiceRevision;
import dev.berth.api.ServiceSpec;
import dev.berth.api.ServiceStatus;
import dev.berth.api.Task;
import dev.berth.api.UpdateState;
import dev.berth.api.UpdateStatus;
import dev.berth.controllers.Fixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How revisions are numbered, described and kept: the API server's and the rollout controller's writes. */
class RevisionsTest {

    private static final Instant NOW = T0.plusSeconds(60);

    private static Service created(String image) {
        return Fixtures.service("web", ServiceSpec.ofImage(image));
    }

    private static Service withImage(Service s, String image) {
        ServiceSpec spec = s.spec();
        return s.withSpec(new ServiceSpec(image, spec.mode(), spec.replicas(), spec.command(), spec.args(),
                spec.env(), spec.ports(), spec.resources(), spec.placement(), spec.restartPolicy(), spec.update(),
                spec.rollback(), spec.endpointMode(), spec.stopSignal(), spec.stopGracePeriod(), spec.healthCheck(),
                spec.init()));
    }

    private static Service withCause(Service s, String cause) {
        ObjectMeta m = s.metadata();
        return s.withMetadata(new ObjectMeta(m.name(), m.labels(), Map.of(ServiceRevision.CHANGE_CAUSE_ANNOTATION,
                cause), m.uid(), m.resourceVersion(), m.generation(), m.creationTimestamp()));
    }

    /** The API server's store: the service and its kept revisions. */
    private static final class Store {
        Service service;
        final List<ServiceRevision> revisions = new ArrayList<>();

        Store(Service created) {
            apply(Revisions.onCreate(created, T0));
        }

        Revisions.Write replace(Service replacing) {
            Revisions.Write write = Revisions.onReplace(service, replacing, List.copyOf(revisions), NOW);
            apply(write);
            return write;
        }

        void apply(Revisions.Write write) {
            service = write.service();
            revisions.addAll(write.created());
            revisions.removeAll(write.expired());
        }

        List<Long> numbers() {
            return revisions.stream().map(ServiceRevision::revision).sorted().toList();
        }
    }

    @Test
    void aNewServiceIsRevisionOne() {
        Revisions.Write write = Revisions.onCreate(created("a:1"), T0);

        assertThat(write.service().status().revision()).isEqualTo(1);
        assertThat(write.expired()).isEmpty();
        assertThat(write.created()).hasSize(1);
        ServiceRevision first = write.created().get(0);
        assertThat(first.revision()).isEqualTo(1);
        assertThat(first.metadata().name()).isEqualTo("web-1");
        assertThat(first.metadata().labels()).containsEntry(Task.SERVICE_LABEL, "web");
        assertThat(first.metadata().creationTimestamp()).contains(T0);
        assertThat(first.serviceName()).isEqualTo("web");
        assertThat(first.serviceUid()).isEqualTo("uid-web");
        assertThat(first.spec()).isEqualTo(ServiceSpec.ofImage("a:1"));
        assertThat(first.changeCause()).isEqualTo("created");

        assertThat(Revisions.onCreate(withCause(created("a:1"), "first deploy"), T0).created().get(0).changeCause())
                .isEqualTo("first deploy");
    }

    @Test
    void aNewImageIsANewRevisionDescribedByWhatChanged() {
        Store store = new Store(created("a:1"));
        store.service = store.service.withStatus(store.service.status().withCounts(3, 3, 3, 1));
        Revisions.Write write = store.replace(withImage(store.service, "a:2"));

        assertThat(write.service().status().revision()).isEqualTo(2);
        assertThat(write.service().status().updated()).as("no task runs the new template yet").isZero();
        assertThat(write.service().status().running()).isEqualTo(3);
        assertThat(write.created()).singleElement().satisfies(r -> {
            assertThat(r.revision()).isEqualTo(2);
            assertThat(r.metadata().name()).isEqualTo("web-2");
            assertThat(r.spec().image()).isEqualTo("a:2");
            assertThat(r.changeCause()).isEqualTo("image: a:1 -> a:2");
        });
        assertThat(write.expired()).isEmpty();
    }

    @Test
    void aScaleOrANewUpdateConfigIsNoRevision() {
        Store store = new Store(created("a:1"));
        Service scaled = store.service.withSpec(store.service.spec().withReplicas(5));
        Revisions.Write write = Revisions.onReplace(store.service, scaled, store.revisions, NOW);

        assertThat(write.created()).isEmpty();
        assertThat(write.expired()).isEmpty();
        assertThat(write.service()).isEqualTo(scaled);
        assertThat(write.service().status().revision()).isEqualTo(1);
    }

    @Test
    void theChangeCauseAnnotationIsUsedOnlyWhenItChanges() {
        Store store = new Store(withCause(created("a:1"), "deploy 1"));
        Revisions.Write same = store.replace(withImage(store.service, "a:2"));
        assertThat(same.created().get(0).changeCause()).as("a stale annotation is not this change's cause")
                .isEqualTo("image: a:1 -> a:2");

        Revisions.Write changed = store.replace(withCause(withImage(store.service, "a:3"), "deploy 3"));
        assertThat(changed.created().get(0).changeCause()).isEqualTo("deploy 3");
    }

    @Test
    void theNewestTenRevisionsAreKept() {
        Store store = new Store(created("a:1"));
        for (int i = 2; i <= 10; i++) {
            Revisions.Write write = store.replace(withImage(store.service, "a:" + i));
            assertThat(write.expired()).as("revision %d", i).isEmpty();
        }
        assertThat(store.numbers()).hasSize(10);

        Revisions.Write eleventh = store.replace(withImage(store.service, "a:11"));
        assertThat(eleventh.created()).extracting(ServiceRevision::revision).containsExactly(11L);
        assertThat(eleventh.expired()).extracting(ServiceRevision::revision).containsExactly(1L);
        assertThat(store.numbers()).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(store.service.status().revision()).isEqualTo(11);
    }

    @Test
    void revisionsOfAnotherServiceOrAnEarlierServiceOfTheSameNameAreIgnored() {
        Store earlier = new Store(created("a:1"));
        earlier.replace(withImage(earlier.service, "a:2"));
        earlier.replace(withImage(earlier.service, "a:3"));
        Service recreated = Fixtures.service("web", ServiceSpec.ofImage("b:1"));
        recreated = recreated.withMetadata(new ObjectMeta("web", Map.of(), Map.of(), "uid-web-2", 2, 1,
                Optional.of(T0))).withStatus(ServiceStatus.EMPTY.withRevision(1));

        Revisions.Write write = Revisions.onReplace(recreated, withImage(recreated, "b:2"), earlier.revisions, NOW);

        assertThat(write.service().status().revision()).isEqualTo(2);
        assertThat(write.created()).extracting(ServiceRevision::serviceUid).containsExactly("uid-web-2");
        assertThat(write.expired()).isEmpty();
        assertThat(Revisions.of(recreated, earlier.revisions)).isEmpty();
    }

    @Test
    void aServiceStoredBeforeRevisionsGetsRevisionsOneAndTwo() {
        Service legacy = created("a:1");
        assertThat(legacy.status().revision()).isZero();

        Revisions.Write write = Revisions.onReplace(legacy, withImage(legacy, "a:2"), List.of(), NOW);

        assertThat(write.service().status().revision()).isEqualTo(2);
        assertThat(write.created()).extracting(ServiceRevision::revision).containsExactly(1L, 2L);
        assertThat(write.created().get(0).spec().image()).as("what it ran").isEqualTo("a:1");
        assertThat(write.created().get(1).spec().image()).isEqualTo("a:2");
        assertThat(write.created().get(1).changeCause()).isEqualTo("image: a:1 -> a:2");
    }

    @Test
    void aRollbackIsANewRevisionWithTheOldSpecAndTheCurrentScale() {
        Store store = new Store(created("a:1"));
        store.replace(withImage(store.service, "a:2"));
        store.replace(withImage(store.service, "a:3").withSpec(withImage(store.service, "a:3").spec()
                .withReplicas(5)));
        Service stored = store.service;
        ServiceRevision to = store.revisions.stream().filter(r -> r.revision() == 1).findFirst().orElseThrow();

        Revisions.Write write = Revisions.rollback(stored, to, store.revisions, NOW, "rolled back by a user");

        Service back = write.service();
        assertThat(back.spec()).isEqualTo(ServiceSpec.ofImage("a:1").withReplicas(5));
        assertThat(back.metadata().generation()).isEqualTo(stored.metadata().generation() + 1);
        assertThat(back.status().revision()).isEqualTo(4);
        assertThat(back.status().update()).isEqualTo(UpdateStatus.started(UpdateState.ROLLBACK_STARTED, 4, NOW,
                "rolled back by a user"));
        assertThat(write.created()).singleElement().satisfies(r -> {
            assertThat(r.revision()).isEqualTo(4);
            assertThat(r.spec()).isEqualTo(back.spec());
            assertThat(r.changeCause()).isEqualTo("rollback to revision 1");
        });
        assertThat(write.expired()).isEmpty();
    }

    @Test
    void aRollbackAtTheHistoryLimitExpiresTheOldest() {
        Store store = new Store(created("a:1"));
        for (int i = 2; i <= 10; i++) {
            store.replace(withImage(store.service, "a:" + i));
        }
        ServiceRevision previous = Revisions.previous(store.service, store.revisions).orElseThrow();
        Revisions.Write write = Revisions.rollback(store.service, previous, store.revisions, NOW, "");
        assertThat(write.created()).extracting(ServiceRevision::revision).containsExactly(11L);
        assertThat(write.expired()).extracting(ServiceRevision::revision).containsExactly(1L);
    }

    @Test
    void previousIsTheNewestRevisionBeforeTheCurrentOne() {
        Store store = new Store(created("a:1"));
        assertThat(Revisions.previous(store.service, store.revisions)).as("nothing before revision 1").isEmpty();

        store.replace(withImage(store.service, "a:2"));
        store.replace(withImage(store.service, "a:3"));
        assertThat(Revisions.previous(store.service, store.revisions)).map(ServiceRevision::revision).contains(2L);

        ServiceRevision first = store.revisions.get(0);
        store.apply(Revisions.rollback(store.service, first, store.revisions, NOW, ""));
        assertThat(store.service.status().revision()).isEqualTo(4);
        assertThat(Revisions.previous(store.service, store.revisions)).as("undo of a rollback: back to 3")
                .map(ServiceRevision::revision).contains(3L);
        assertThat(Revisions.of(store.service, store.revisions)).extracting(ServiceRevision::revision)
                .containsExactly(1L, 2L, 3L, 4L);
    }
}
