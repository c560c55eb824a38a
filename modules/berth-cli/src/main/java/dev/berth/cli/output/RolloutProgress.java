package dev.berth.cli.output;

import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceStatus;
import dev.berth.api.UpdateState;
import dev.berth.api.UpdateStatus;

/**
 * Where a service's rollout stands, as {@code rollout status}, {@code service update},
 * {@code service rollback} and {@code rollout undo} print it: a pure function of one read of the
 * service. The watching commands print {@link #line()} whenever it changes and stop at the first
 * step that is {@link #isTerminal() terminal}.
 *
 * <p>The controller has not noticed a new revision while {@code status.update.revision} is still
 * the old one: until then the step is {@link Phase#WAITING}, whatever the old rollout's state
 * says (its {@code completed} is not this rollout's).
 *
 * @param phase where it stands
 * @param line what to print (without a newline)
 */
public record RolloutProgress(Phase phase, String line) {

    /** The kinds of step. */
    public enum Phase {
        /** The controller has not picked the current revision up yet. */
        WAITING,
        /** Tasks are being replaced. */
        PROGRESS,
        /** Done as the command hoped: exit 0. */
        DONE,
        /** Paused, or rolled back when a rollout was wanted: exit 1. */
        FAILED
    }

    /** Whether watching stops here. */
    public boolean isTerminal() {
        return phase == Phase.DONE || phase == Phase.FAILED;
    }

    /** The exit code of a terminal step (0 for done, 1 for failed). */
    public int exitCode() {
        return phase == Phase.FAILED ? 1 : 0;
    }

    /**
     * The step that {@code service} shows.
     *
     * @param service the service as last read
     * @param rollbackWanted true for {@code service rollback} / {@code rollout undo}, where a
     *     rollback running or completed is progress and success, not failure
     */
    public static RolloutProgress of(Service service, boolean rollbackWanted) {
        ServiceStatus st = service.status();
        UpdateStatus u = st.update();
        String name = "service \"" + service.name() + "\"";
        long revision = st.revision();
        int desired = service.spec().mode() == ServiceMode.GLOBAL ? st.replicas() : service.spec().replicas();
        String counts = Math.min(st.updated(), desired) + " of " + desired + " tasks updated";
        if (revision == 0 || (u.state() == UpdateState.NONE && u.revision() == 0 && revision <= 1)) {
            // the first revision (or a service older than revisions): no rollout, only its first
            // tasks coming up; done once the controller has seen this generation and all run
            boolean observed = st.observedGeneration() >= service.metadata().generation();
            if (observed && st.updated() >= desired) {
                return new RolloutProgress(Phase.DONE, name + " successfully rolled out"
                        + (revision > 0 ? " (revision " + revision + ")" : ""));
            }
            return new RolloutProgress(Phase.PROGRESS, "Waiting for " + name + " to start: " + counts + "...");
        }
        if (u.revision() != revision) {
            return new RolloutProgress(Phase.WAITING, "Waiting for rollout of " + name + " (revision " + revision
                    + ") to start...");
        }
        String rev = " (revision " + revision + ")";
        String stopped = " (" + u.state().value() + ", revision " + revision + ")"
                + (u.message().isEmpty() ? "" : ": " + u.message());
        switch (u.state()) {
            case COMPLETED:
                return new RolloutProgress(Phase.DONE, name + " successfully rolled out" + rev);
            case ROLLBACK_COMPLETED:
                return rollbackWanted
                        ? new RolloutProgress(Phase.DONE, name + " successfully rolled back" + rev)
                        : new RolloutProgress(Phase.FAILED, "rollout of " + name + " was rolled back" + stopped);
            case ROLLBACK_STARTED:
                return rollbackWanted
                        ? new RolloutProgress(Phase.PROGRESS, "Waiting for rollback of " + name + rev + ": "
                                + counts + "...")
                        : new RolloutProgress(Phase.FAILED, "rollout of " + name + " is rolling back" + stopped);
            case PAUSED:
            case ROLLBACK_PAUSED:
                return new RolloutProgress(Phase.FAILED, (u.state().isRollback() ? "rollback of " : "rollout of ")
                        + name + " is paused" + stopped);
            case UPDATING:
                return new RolloutProgress(Phase.PROGRESS, "Waiting for rollout of " + name + rev + ": " + counts
                        + "...");
            default:
                // NONE at a revision the controller has noticed: it has not written a state yet
                return new RolloutProgress(Phase.WAITING, "Waiting for rollout of " + name + rev + " to start...");
        }
    }
}
