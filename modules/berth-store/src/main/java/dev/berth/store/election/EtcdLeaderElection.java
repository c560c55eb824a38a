package dev.berth.store.election;

import com.google.common.base.Throwables;
import dev.berth.store.Backoff;
import dev.berth.store.StoreException;
import dev.berth.store.etcd.EtcdStore;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.election.LeaderResponse;
import io.etcd.jetcd.election.NoLeaderException;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A {@link LeaderElection} over etcd's election API (jetcd {@link Election}). The candidate
 * holds a lease of {@code ttl}, kept alive while it runs; its campaign key is bound to that
 * lease, so if this process dies or loses etcd the key expires and another candidate is
 * elected. Leadership is also considered lost when no keep-alive was acknowledged for a whole
 * TTL, since by then etcd may have expired the lease.
 *
 * <pre>{@code
 * LeaderElection election = EtcdLeaderElection.forControllers(store, nodeId);
 * election.start(new LeadershipListener() {
 *     public void onElected() { controllers.start(); }
 *     public void onRevoked() { controllers.stop(); }
 * });
 * ...
 * election.close();    // resign: another manager leads at once
 * }</pre>
 */
public final class EtcdLeaderElection implements LeaderElection {

    /** The default lease TTL: a dead leader is replaced within about this long. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

    private static final Logger LOG = LogManager.getLogger(EtcdLeaderElection.class);
    private static final long CALL_TIMEOUT_MS = 5_000;

    private final Client client;
    private final ByteSequence electionName;
    private final String candidateId;
    private final Duration ttl;
    private final Object lock = new Object();
    private Thread campaigner;
    private LeadershipListener listener;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicBoolean leader = new java.util.concurrent.atomic.AtomicBoolean();
    // Of the current term; guarded by lock.
    private long leaseId;
    private LeaderKey leaderKey;
    private CloseableClient keepAlive;
    private volatile long lastAckNanos;
    private volatile boolean leaseLost;

    public EtcdLeaderElection(Client client, String electionName, String candidateId, Duration ttl) {
        if (ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("election lease TTL must be at least 1 s, got " + ttl);
        }
        this.client = client;
        this.electionName = ByteSequence.from(electionName, StandardCharsets.UTF_8);
        this.candidateId = candidateId;
        this.ttl = ttl;
    }

    /** The election of the controllers' leader: {@code <prefix>/berth/v1/election/controllers}. */
    public static EtcdLeaderElection forControllers(EtcdStore store, String candidateId) {
        return forControllers(store, candidateId, DEFAULT_TTL);
    }

    /** The controllers' election with another lease TTL. */
    public static EtcdLeaderElection forControllers(EtcdStore store, String candidateId, Duration ttl) {
        return new EtcdLeaderElection(store.client(), controllersElectionName(store.prefix()), candidateId, ttl);
    }

    /** The election key of the controllers under a store prefix. */
    public static String controllersElectionName(String prefix) {
        return prefix + "/berth/v1/election/controllers";
    }

    @Override
    public String candidateId() {
        return candidateId;
    }

    @Override
    public void start(LeadershipListener newListener) {
        synchronized (lock) {
            if (campaigner != null) {
                throw new IllegalStateException("election of " + candidateId + " is started already");
            }
            if (closed) {
                throw new IllegalStateException("election of " + candidateId + " is closed");
            }
            listener = newListener;
            campaigner = new Thread(this::run, "election-" + candidateId);
            campaigner.setDaemon(true);
            campaigner.start();
        }
    }

    @Override
    public Optional<String> leader() {
        try {
            LeaderResponse response = client.getElectionClient().leader(electionName)
                    .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (response.getKv() == null || response.getKv().getValue().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(response.getKv().getValue().toString(StandardCharsets.UTF_8));
        } catch (ExecutionException e) {
            if (Throwables.getRootCause(e) instanceof NoLeaderException
                    || e.getCause() instanceof NoLeaderException) {
                return Optional.empty();
            }
            throw new StoreException.Unavailable("cannot read the leader of " + name() + ": " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new StoreException.Unavailable("cannot read the leader of " + name() + ": timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted while reading the leader of " + name(), e);
        }
    }

    @Override
    public boolean isLeader() {
        return leader.get();
    }

    @Override
    public void close() {
        Thread thread;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            thread = campaigner;
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(CALL_TIMEOUT_MS * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // If start was never called, or the thread is stuck, clean up here too (idempotent).
        endTerm(true);
    }

    /** The campaign loop: one iteration per lease (term). */
    private void run() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), ttl);
        while (!closed) {
            try {
                campaignOnce();
                backoff.reset();
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | ExecutionException | TimeoutException e) {
                if (closed) {
                    break;
                }
                LOG.warn("election {}: candidate {} campaign failed: {}", name(), candidateId,
                        Throwables.getRootCause(e).toString());
            } finally {
                endTerm(closed);
            }
            if (!closed) {
                try {
                    Thread.sleep(backoff.nextDelay().toMillis());
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
        endTerm(true);
    }

    /** Grants a lease, campaigns with it, leads until the lease is lost; returns when not leading. */
    private void campaignOnce() throws InterruptedException, ExecutionException, TimeoutException {
        Lease leases = client.getLeaseClient();
        long id = leases.grant(ttl.toSeconds()).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).getID();
        synchronized (lock) {
            leaseId = id;
            leaseLost = false;
            lastAckNanos = System.nanoTime();
            keepAlive = leases.keepAlive(id, new StreamObserver<LeaseKeepAliveResponse>() {
                @Override
                public void onNext(LeaseKeepAliveResponse value) {
                    if (value.getTTL() <= 0) {
                        leaseLost = true;
                    } else {
                        lastAckNanos = System.nanoTime();
                    }
                }

                @Override
                public void onError(Throwable t) {
                    LOG.warn("election {}: keep-alive of {}'s lease failed: {}", name(), candidateId, t.toString());
                    leaseLost = true;
                }

                @Override
                public void onCompleted() {
                    leaseLost = true;
                }
            });
        }
        CompletableFuture<CampaignResponse> campaign = client.getElectionClient()
                .campaign(electionName, id, ByteSequence.from(candidateId, StandardCharsets.UTF_8));
        CampaignResponse won = null;
        // Wait for the campaign, but give up when the lease is gone: etcd would never elect us then.
        while (won == null) {
            checkLease();
            try {
                won = campaign.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // keep waiting
            }
        }
        synchronized (lock) {
            leaderKey = won.getLeader();
        }
        // The campaign can return after our key vanished (lease revoked meanwhile): check it is ours.
        if (!isOurKeyTheLeader(won.getLeader())) {
            LOG.warn("election {}: campaign of {} returned but another key leads; campaigning again",
                    name(), candidateId);
            return;
        }
        leader.set(true);
        LOG.info("election {}: {} is the leader", name(), candidateId);
        notifyListener(true);
        while (true) {
            checkLease();
            Thread.sleep(Math.max(100, ttl.toMillis() / 10));
        }
    }

    private void checkLease() throws InterruptedException {
        if (closed || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("election closed");
        }
        if (leaseLost) {
            throw new IllegalStateException("lease lost");
        }
        if (System.nanoTime() - lastAckNanos > ttl.toNanos()) {
            throw new IllegalStateException("no keep-alive acknowledged for " + ttl);
        }
    }

    private boolean isOurKeyTheLeader(LeaderKey key) throws InterruptedException {
        try {
            LeaderResponse current = client.getElectionClient().leader(electionName)
                    .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return current.getKv() != null && Arrays.equals(current.getKv().getKey().getBytes(), key.getKey().getBytes());
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Ends the current term: tells the listener, resigns and revokes the lease (best effort). */
    private void endTerm(boolean resign) {
        LeaderKey key;
        long id;
        CloseableClient ka;
        synchronized (lock) {
            key = leaderKey;
            id = leaseId;
            ka = keepAlive;
            leaderKey = null;
            leaseId = 0;
            keepAlive = null;
        }
        if (leader.compareAndSet(true, false)) {
            LOG.info("election {}: {} is no longer the leader", name(), candidateId);
            notifyListener(false);
        }
        if (ka != null) {
            ka.close();
        }
        if (key != null && resign) {
            try {
                client.getElectionClient().resign(key).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.debug("election {}: resign of {} failed: {}", name(), candidateId, e.toString());
            }
        }
        if (id != 0) {
            // Revoking deletes the campaign key too, so the next candidate is elected at once.
            try {
                client.getLeaseClient().revoke(id).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.debug("election {}: revoke of {}'s lease failed: {}", name(), candidateId, e.toString());
            }
        }
    }

    private void notifyListener(boolean elected) {
        LeadershipListener l;
        synchronized (lock) {
            l = listener;
        }
        if (l == null) {
            return;
        }
        try {
            if (elected) {
                l.onElected();
            } else {
                l.onRevoked();
            }
        } catch (RuntimeException e) {
            LOG.error("election {}: leadership listener of {} failed", name(), candidateId, e);
        }
    }

    private String name() {
        return electionName.toString(StandardCharsets.UTF_8);
    }
}
