package dev.berth.bench.startup;

/**
 * One measured start of N replicas by one system, all in seconds from the moment just before the
 * create call.
 *
 * @param created when the create call returned (0 for the engine bound, which has no create)
 * @param first when the first replica was seen running
 * @param all when every replica was seen running
 */
public record Timing(double created, double first, double all) {

    /** Seconds from the create call's return to the first replica running. */
    public double firstAfterCreate() {
        return first - created;
    }
}
