package dev.berth.store;

import dev.berth.api.ApiObject;
import java.util.List;

/**
 * Receives the events of a {@link ObjectStore#watch watch}. Methods are called on one thread per
 * watch, in revision order, and must not block.
 *
 * @param <T> the kind's record type
 */
public interface WatchListener<T extends ApiObject> {

    /** Events of one etcd watch response, in revision order. */
    void onEvents(List<WatchEvent<T>> events);

    /**
     * The requested revision was compacted away: the watch has ended and the watcher must list
     * again.
     */
    void onCompacted(long compactRevision);

    /** The watch failed for another reason and has ended. */
    void onError(Throwable error);
}
