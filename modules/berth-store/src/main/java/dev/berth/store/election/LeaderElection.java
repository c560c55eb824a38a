package dev.berth.store.election;

import java.util.Optional;

/**
 * One candidate of a leader election. After {@link #start} it campaigns in the background
 * until closed, and campaigns again whenever it loses leadership.
 */
public interface LeaderElection extends AutoCloseable {

    /** This candidate's id (e.g. the manager's node id), what {@link #leader()} reports. */
    String candidateId();

    /** Starts campaigning; the listener hears of every gain and loss of leadership. */
    void start(LeadershipListener listener);

    /** The id of the current leader, if there is one (read from etcd). */
    Optional<String> leader();

    /** Whether this candidate leads right now, as far as it knows. */
    boolean isLeader();

    /** Resigns and gives up the lease, so that another candidate takes over at once. */
    @Override
    void close();
}
