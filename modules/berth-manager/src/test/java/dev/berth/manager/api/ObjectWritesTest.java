package dev.berth.manager.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Cluster;
import dev.berth.api.ClusterSpec;
import dev.berth.api.Kind;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.ServiceSpec;
import dev.berth.api.ServiceStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ObjectWritesTest {

    private static final Instant T0 = Instant.parse("2026-11-28T17:00:00Z");

    private static Service stored() {
        ObjectMeta meta = new ObjectMeta("web", Map.of("app", "web"), Map.of(), "uid-1", 42, 3, Optional.of(T0));
        return Service.of(meta, ServiceSpec.ofImage("nginx:1").withReplicas(2)).withStatus(new ServiceStatus(2, 1, 2));
    }

    @Test
    void createSetsServerFieldsAndDropsWhatTheClientSent() {
        ObjectMeta sent = new ObjectMeta("web", Map.of(), Map.of(), "forged", 99, 7, Optional.empty());
        Service body = Service.of(sent, ServiceSpec.ofImage("nginx:1")).withStatus(new ServiceStatus(5, 5, 5));
        Service created = (Service) ObjectWrites.forCreate(body, "uid-2", T0);
        assertThat(created.metadata().uid()).isEqualTo("uid-2");
        assertThat(created.metadata().resourceVersion()).isZero();
        assertThat(created.metadata().generation()).isEqualTo(1);
        assertThat(created.metadata().creationTimestamp()).contains(T0);
        assertThat(created.status()).isEqualTo(ServiceStatus.EMPTY);
    }

    @Test
    void aManifestWithoutForceUpdateKeepsTheStoredCounterAndIsNoChange() {
        Service restarted = stored().withSpec(stored().spec().forcedUpdate().forcedUpdate());
        Service manifest = Service.of(ObjectMeta.named("web").withLabels(Map.of("app", "web")),
                ServiceSpec.ofImage("nginx:1").withReplicas(2));
        assertThat(ObjectWrites.sameUserContent(restarted, manifest)).as("the file predates the restart").isTrue();
        Service replaced = (Service) ObjectWrites.forReplace(restarted, manifest.withSpec(manifest.spec().withReplicas(3)));
        assertThat(replaced.spec().forceUpdate()).isEqualTo(2);
        assertThat(replaced.spec().taskTemplate()).as("a scale outdates no task").isEqualTo(restarted.spec().taskTemplate());
        Service forcedAgain = (Service) ObjectWrites.forReplace(restarted, restarted.withSpec(restarted.spec().forcedUpdate()));
        assertThat(forcedAgain.spec().forceUpdate()).isEqualTo(3);
    }

    @Test
    void replaceKeepsServerFieldsAndBumpsGenerationOnSpecChange() {
        ObjectMeta sent = new ObjectMeta("web", Map.of("app", "web2"), Map.of("note", "x"), "forged", 0, 99,
                Optional.empty());
        Service body = Service.of(sent, ServiceSpec.ofImage("nginx:2"));
        Service replaced = (Service) ObjectWrites.forReplace(stored(), body);
        assertThat(replaced.metadata().uid()).isEqualTo("uid-1");
        assertThat(replaced.metadata().creationTimestamp()).contains(T0);
        assertThat(replaced.metadata().generation()).isEqualTo(4);
        assertThat(replaced.metadata().resourceVersion()).as("CAS on the stored version").isEqualTo(42);
        assertThat(replaced.metadata().labels()).containsExactly(Map.entry("app", "web2"));
        assertThat(replaced.metadata().annotations()).containsEntry("note", "x");
        assertThat(replaced.spec().image()).isEqualTo("nginx:2");
        assertThat(replaced.status()).isEqualTo(new ServiceStatus(2, 1, 2));
    }

    @Test
    void replaceWithSameSpecKeepsGenerationAndUsesTheClientsVersion() {
        Service body = stored().withMetadata(stored().metadata().withResourceVersion(40).withLabels(Map.of()));
        Service replaced = (Service) ObjectWrites.forReplace(stored(), body);
        assertThat(replaced.metadata().generation()).isEqualTo(3);
        assertThat(replaced.metadata().resourceVersion()).isEqualTo(40);
        assertThat(ObjectWrites.sameUserContent(stored(), body)).as("labels differ").isFalse();
        assertThat(ObjectWrites.sameUserContent(stored(), stored().withStatus(ServiceStatus.EMPTY)))
                .as("status is not the user's").isTrue();
    }

    @Test
    void aReplaceWithoutTheClusterIdKeepsIt() {
        ObjectMeta meta = new ObjectMeta("default", Map.of(), Map.of(ObjectWrites.CLUSTER_ID_ANNOTATION, "c-1"),
                "uid", 5, 1, Optional.of(T0));
        Cluster stored = new Cluster(null, null, meta, null, null);
        Cluster body = new Cluster(null, null, ObjectMeta.named("default"), new ClusterSpec(3), null);
        Cluster replaced = (Cluster) ObjectWrites.forReplace(stored, body);
        assertThat(replaced.metadata().annotations()).containsEntry(ObjectWrites.CLUSTER_ID_ANNOTATION, "c-1");
        assertThat(replaced.spec().taskHistoryLimit()).isEqualTo(3);
        assertThat(ObjectWrites.sameUserContent(stored, new Cluster(null, null, ObjectMeta.named("default"), null,
                null))).as("an apply of the same manifest is unchanged").isTrue();
    }

    @Test
    void findsKindsByUrlPlural() {
        assertThat(ObjectWrites.kindOfPlural("services")).contains(Kind.SERVICE);
        assertThat(ObjectWrites.kindOfPlural("tasks")).contains(Kind.TASK);
        assertThat(ObjectWrites.kindOfPlural("svc")).isEmpty();
    }

    @Test
    void aUsersWriteOfANodeKeepsItsRoleAndSubnet() {
        dev.berth.api.Node stored = dev.berth.api.Node.of(ObjectMeta.named("n1"), new dev.berth.api.NodeSpec(
                dev.berth.api.NodeRole.MANAGER, null, "10.42.3.0/24"), null);
        dev.berth.api.Node body = dev.berth.api.Node.of(ObjectMeta.named("n1"), new dev.berth.api.NodeSpec(
                dev.berth.api.NodeRole.WORKER, dev.berth.api.NodeAvailability.DRAIN, "10.42.9.0/24"), null);
        dev.berth.api.Node replaced = (dev.berth.api.Node) ObjectWrites.forReplace(stored, body);
        assertThat(replaced.spec()).isEqualTo(new dev.berth.api.NodeSpec(dev.berth.api.NodeRole.MANAGER,
                dev.berth.api.NodeAvailability.DRAIN, "10.42.3.0/24"));
        // a manifest without the subnet is the same content
        dev.berth.api.Node plain = dev.berth.api.Node.of(ObjectMeta.named("n1"), new dev.berth.api.NodeSpec(
                dev.berth.api.NodeRole.MANAGER, null), null);
        assertThat(ObjectWrites.sameUserContent(stored, plain)).isTrue();
    }

    @Test
    void aClusterKeepsItsNetworkWhenTheBodyLeavesItOutAndRefusesAnotherOne() {
        dev.berth.api.NetworkSpec custom = new dev.berth.api.NetworkSpec("172.30.0.0/16", 26, "172.31.0.0/16");
        Cluster stored = new Cluster(null, null, ObjectMeta.named("default"), new ClusterSpec(5, null, custom), null);
        Cluster omitted = new Cluster(null, null, ObjectMeta.named("default"), new ClusterSpec(3), null);
        Cluster kept = (Cluster) ObjectWrites.withClusterNetwork(stored, omitted, false);
        assertThat(kept.spec().network()).isEqualTo(custom);
        assertThat(kept.spec().taskHistoryLimit()).isEqualTo(3);
        Cluster same = new Cluster(null, null, ObjectMeta.named("default"), new ClusterSpec(3, null, custom), null);
        assertThat(ObjectWrites.withClusterNetwork(stored, same, true)).isSameAs(same);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ObjectWrites.withClusterNetwork(stored, omitted, true))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.error().code()).isEqualTo(400);
                    assertThat(e.error().field()).isEqualTo("spec.network");
                    assertThat(e.error().message()).contains("cannot change once the cluster exists")
                            .contains("172.30.0.0/16");
                });
    }
}
