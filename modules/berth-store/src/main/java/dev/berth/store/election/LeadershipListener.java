package dev.berth.store.election;

/**
 * Told when this candidate gains and loses leadership. Calls alternate (elected, revoked,
 * elected, ...), come from the election's own thread and must return quickly.
 */
public interface LeadershipListener {

    /** This candidate leads now: start the leader-only work. */
    void onElected();

    /**
     * This candidate no longer leads (lease lost, keep-alive failed, or the election closed):
     * stop the leader-only work at once; another candidate may already lead.
     */
    void onRevoked();
}
