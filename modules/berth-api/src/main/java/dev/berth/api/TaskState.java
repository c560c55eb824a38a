package dev.berth.api;

/**
 * The states of a task, in order. A task only ever moves forward: the manager owns
 * {@link #NEW} to {@link #ASSIGNED}, the node's agent owns the rest.
 */
public enum TaskState {
    NEW,
    PENDING,
    ASSIGNED,
    ACCEPTED,
    PREPARING,
    READY,
    STARTING,
    RUNNING,
    COMPLETE,
    SHUTDOWN,
    FAILED,
    REJECTED,
    ORPHANED,
    REMOVE;

    /** Whether a task in this state has stopped for good (it never runs again). */
    public boolean isTerminal() {
        return ordinal() >= COMPLETE.ordinal();
    }

    /**
     * Whether a task may move from this state to {@code next}: states never go back, and a
     * task that has stopped can only be marked for removal.
     */
    public boolean canMoveTo(TaskState next) {
        if (next == this) {
            return true;
        }
        if (isTerminal()) {
            return next == REMOVE;
        }
        return next.ordinal() > ordinal();
    }

    /** How Swarm's CLI prints it: {@code Running}, {@code Assigned}. */
    public String display() {
        String n = name();
        return n.charAt(0) + n.substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}
