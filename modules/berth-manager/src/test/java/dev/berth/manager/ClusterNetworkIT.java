package dev.berth.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.Cluster;
import dev.berth.api.Kind;
import dev.berth.api.NetworkSpec;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The network a manager is configured with goes into the Cluster object it creates, and only then. */
@ExtendWith(EtcdExtension.class)
class ClusterNetworkIT {

    private static final NetworkSpec CUSTOM = new NetworkSpec("172.30.0.0/16", 26, "172.31.0.0/20");

    @Test
    void theFirstManagerCreatesTheClusterWithItsNetworkAndALaterOneKeepsIt(EtcdTestEnv env, @TempDir Path a,
            @TempDir Path b) {
        Manager first = TestSupport.startWithoutControllers(env, TestSupport.config(env, a).withNetwork(CUSTOM));
        first.close();
        Manager second = TestSupport.startWithoutControllers(env, TestSupport.config(env, b)
                .withNetwork(new NetworkSpec("10.60.0.0/16", 24, "10.61.0.0/16")));
        try (var store = env.newStore()) {
            Cluster cluster = store.get(Kind.CLUSTER, Cluster.DEFAULT_NAME).orElseThrow();
            assertThat(cluster.spec().network()).isEqualTo(CUSTOM);
        }
        second.close();
    }

    @Test
    void anInvalidNetworkFailsTheStartBeforeTheClusterExists(EtcdTestEnv env, @TempDir Path dir) {
        NetworkSpec overlapping = new NetworkSpec("10.42.0.0/16", 24, "10.42.0.0/24");
        assertThatThrownBy(() -> TestSupport.startWithoutControllers(env, TestSupport.config(env, dir)
                .withNetwork(overlapping))).hasMessageContaining("spec.network.serviceCidr");
        try (var store = env.newStore()) {
            assertThat(store.get(Kind.CLUSTER, Cluster.DEFAULT_NAME)).isEmpty();
        }
    }
}
