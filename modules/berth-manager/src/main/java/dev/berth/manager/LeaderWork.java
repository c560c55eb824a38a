package dev.berth.manager;

import dev.berth.controllers.ControllerManager;
import dev.berth.store.ObjectStore;
import java.time.Clock;

/**
 * What only the elected manager runs (the controllers): started when this manager is elected,
 * closed when it loses leadership. A seam so that the wiring can be exercised apart from the
 * controllers.
 */
@FunctionalInterface
public interface LeaderWork {

    /** Starts the leader-only work over {@code store}; closing the result stops it. */
    AutoCloseable start(ObjectStore store, Clock clock) throws Exception;

    /** The controllers of berth-controllers. */
    static LeaderWork controllers() {
        return (store, clock) -> {
            ControllerManager controllers = new ControllerManager(store, clock);
            controllers.start();
            return controllers;
        };
    }
}
