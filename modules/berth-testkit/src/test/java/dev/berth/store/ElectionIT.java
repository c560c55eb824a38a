package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.store.election.EtcdLeaderElection;
import dev.berth.store.election.LeadershipListener;
import dev.berth.store.etcd.EtcdStore;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EtcdExtension.class)
class ElectionIT {

    /** Records "elected"/"revoked". */
    static final class Calls implements LeadershipListener {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void onElected() {
            calls.add("elected");
        }

        @Override
        public void onRevoked() {
            calls.add("revoked");
        }
    }

    @Test
    void leadershipPassesOnWhenTheLeaderCloses(EtcdTestEnv etcd) {
        EtcdStore store = etcd.newStore();
        Calls aCalls = new Calls();
        Calls bCalls = new Calls();
        EtcdLeaderElection a = etcd.register(EtcdLeaderElection.forControllers(store, "manager-a", Duration.ofSeconds(2)));
        EtcdLeaderElection b = etcd.register(EtcdLeaderElection.forControllers(store, "manager-b", Duration.ofSeconds(2)));

        assertThat(a.leader()).isEmpty();
        a.start(aCalls);
        await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
        b.start(bCalls);
        assertThat(a.leader()).contains("manager-a");
        assertThat(b.leader()).contains("manager-a");
        // b waits behind a.
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> !b.isLeader());
        assertThat(bCalls.calls).isEmpty();

        long closedAt = System.nanoTime();
        a.close();
        assertThat(a.isLeader()).isFalse();
        assertThat(aCalls.calls).containsExactly("elected", "revoked");

        await().atMost(Duration.ofSeconds(3)).until(b::isLeader);
        // Handed over by resigning, not by waiting for a's lease to expire.
        assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(2));
        assertThat(bCalls.calls).containsExactly("elected");
        assertThat(b.leader()).isEqualTo(Optional.of("manager-b"));

        b.close();
        assertThat(bCalls.calls).containsExactly("elected", "revoked");
        await().atMost(Duration.ofSeconds(3)).until(() -> b.leader().isEmpty());
    }

    @Test
    void losingTheLeaseRevokesLeadership(EtcdTestEnv etcd) throws Exception {
        EtcdStore store = etcd.newStore();
        Calls aCalls = new Calls();
        Calls bCalls = new Calls();
        EtcdLeaderElection a = etcd.register(EtcdLeaderElection.forControllers(store, "manager-a", Duration.ofSeconds(2)));
        EtcdLeaderElection b = etcd.register(EtcdLeaderElection.forControllers(store, "manager-b", Duration.ofSeconds(2)));
        a.start(aCalls);
        await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
        b.start(bCalls);
        await().atMost(Duration.ofSeconds(2)).until(() -> etcd.client().getKVClient()
                .get(ByteSequence.from(EtcdLeaderElection.controllersElectionName(etcd.prefix()), StandardCharsets.UTF_8),
                        GetOption.builder().isPrefix(true).build())
                .get(5, TimeUnit.SECONDS).getKvs().size() == 2);

        // As if a's lease expired (a partitioned manager): revoke it behind a's back.
        KeyValue aKey = etcd.client().getKVClient()
                .get(ByteSequence.from(EtcdLeaderElection.controllersElectionName(etcd.prefix()), StandardCharsets.UTF_8),
                        GetOption.builder().isPrefix(true).withSortField(GetOption.SortTarget.CREATE)
                                .withSortOrder(GetOption.SortOrder.ASCEND).build())
                .get(5, TimeUnit.SECONDS).getKvs().get(0);
        assertThat(aKey.getValue().toString(StandardCharsets.UTF_8)).isEqualTo("manager-a");
        etcd.client().getLeaseClient().revoke(aKey.getLease()).get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> b.isLeader() && !a.isLeader());
        assertThat(aCalls.calls).startsWith("elected", "revoked");
        assertThat(bCalls.calls).containsExactly("elected");
        assertThat(a.leader()).contains("manager-b");
    }

    @Test
    void electionKeyLivesUnderTheStorePrefix(EtcdTestEnv etcd) {
        assertThat(EtcdLeaderElection.controllersElectionName(etcd.prefix()))
                .isEqualTo(etcd.prefix() + "/berth/v1/election/controllers");
        EtcdStore other = etcd.register(EtcdStore.over(etcd.client(), etcd.prefix() + "-b"));
        EtcdLeaderElection a = etcd.register(EtcdLeaderElection.forControllers(etcd.newStore(), "a"));
        EtcdLeaderElection b = etcd.register(EtcdLeaderElection.forControllers(other, "b"));
        a.start(new Calls());
        b.start(new Calls());
        // Different prefixes are different clusters: both lead.
        await().atMost(Duration.ofSeconds(5)).until(() -> a.isLeader() && b.isLeader());
    }
}
