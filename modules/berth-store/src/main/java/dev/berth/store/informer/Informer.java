package dev.berth.store.informer;

import dev.berth.api.ApiObject;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A local cache of every object of one kind, kept up to date by a watch. Reads never touch
 * etcd. After a relist, handlers see adds, updates and deletes for what changed meanwhile.
 *
 * @param <T> the kind's record type
 */
public interface Informer<T extends ApiObject> extends AutoCloseable {

    /**
     * Adds a secondary index before {@link #start()}: {@code keys} gives the index values of an
     * object (e.g. a task's service name).
     */
    void addIndex(String indexName, Function<T, Collection<String>> keys);

    /** Adds a handler before {@link #start()}. */
    void addHandler(EventHandler<T> handler);

    /** Lists and starts watching; returns once the first listing is in the cache. */
    void start();

    Optional<T> get(String name);

    /** A snapshot of every cached object. */
    List<T> list();

    /** The cached objects whose index {@code indexName} contains {@code value}. */
    List<T> byIndex(String indexName, String value);

    /** The store revision the cache reflects. */
    long revision();

    @Override
    void close();
}
