package dev.berth.store.informer;

import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import dev.berth.store.Backoff;
import dev.berth.store.Listing;
import dev.berth.store.ObjectStore;
import dev.berth.store.StoreException;
import dev.berth.store.Watch;
import dev.berth.store.WatchEvent;
import dev.berth.store.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@link Informer} over any {@link ObjectStore}: lists a kind, caches it with its indexes,
 * then watches from the listing's revision. When the watch reports its revision compacted, or
 * fails, it lists again (with backoff after failures) and tells its handlers the difference
 * between the new listing and the cache, so nothing that happened meanwhile is missed.
 *
 * <p>All cache changes and handler calls happen on the informer's one dispatch thread, in
 * revision order; reads ({@link #get}, {@link #list}, {@link #byIndex}) are safe from any thread.
 *
 * <pre>{@code
 * StoreInformer<Task> tasks = new StoreInformer<>(store, Kind.TASK);
 * tasks.addIndex("service", t -> List.of(t.spec().serviceName()));
 * tasks.addHandler(handler);       // must not block: enqueue keys
 * tasks.start();                   // returns with the first listing cached
 * List<Task> web = tasks.byIndex("service", "web");
 * }</pre>
 *
 * @param <T> the kind's record type
 */
public final class StoreInformer<T extends ApiObject> implements Informer<T> {

    private static final Logger LOG = LogManager.getLogger(StoreInformer.class);
    private static final Duration MIN_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(10);

    private final ObjectStore store;
    private final Kind<T> kind;
    private final ScheduledThreadPoolExecutor dispatch;
    private final Backoff backoff = new Backoff(MIN_RETRY, MAX_RETRY);
    private final List<EventHandler<T>> handlers = new CopyOnWriteArrayList<>();
    private final Map<String, Function<T, Collection<String>>> indexers = new LinkedHashMap<>();

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    /** name -> object; guarded by lock. TreeMap so that list() is in name order like etcd's. */
    private final Map<String, T> cache = new TreeMap<>();
    /** index name -> index value -> names; guarded by lock. */
    private final Map<String, Map<String, Set<String>>> indexes = new HashMap<>();
    private volatile long revision;

    // Touched on the dispatch thread only.
    private Watch watch;
    private long watchGeneration;
    private volatile boolean started;
    private volatile boolean closed;

    public StoreInformer(ObjectStore store, Kind<T> kind) {
        this.store = store;
        this.kind = kind;
        this.dispatch = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "informer-" + kind.plural());
            t.setDaemon(true);
            return t;
        });
        dispatch.setRemoveOnCancelPolicy(true);
    }

    /** The kind this informer caches. */
    public Kind<T> kind() {
        return kind;
    }

    @Override
    public void addIndex(String indexName, Function<T, Collection<String>> keys) {
        requireNotStarted();
        lock.writeLock().lock();
        try {
            indexers.put(indexName, keys);
            indexes.put(indexName, new HashMap<>());
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void addHandler(EventHandler<T> handler) {
        requireNotStarted();
        handlers.add(handler);
    }

    @Override
    public void start() {
        requireNotStarted();
        started = true;
        Future<?> first = dispatch.submit(() -> {
            Listing<T> listing = store.list(kind);
            applyListing(listing);
            startWatch(listing.revision());
        });
        try {
            first.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted while listing " + kind.plural(), e);
        } catch (ExecutionException e) {
            close();
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException.Unavailable("cannot list " + kind.plural(), e.getCause());
        }
    }

    @Override
    public Optional<T> get(String name) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(cache.get(name));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<T> list() {
        lock.readLock().lock();
        try {
            return List.copyOf(cache.values());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<T> byIndex(String indexName, String value) {
        lock.readLock().lock();
        try {
            Map<String, Set<String>> index = indexes.get(indexName);
            if (index == null) {
                throw new IllegalArgumentException("no index " + indexName + " on the " + kind.plural() + " informer");
            }
            Set<String> names = index.getOrDefault(value, Set.of());
            List<T> result = new ArrayList<>(names.size());
            for (String name : new java.util.TreeSet<>(names)) {
                T object = cache.get(name);
                if (object != null) {
                    result.add(object);
                }
            }
            return List.copyOf(result);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long revision() {
        return revision;
    }

    @Override
    public void close() {
        closed = true;
        try {
            dispatch.execute(this::stopWatch);
        } catch (RejectedExecutionException e) {
            // Already closed.
        }
        dispatch.shutdown();
        try {
            if (!dispatch.awaitTermination(5, TimeUnit.SECONDS)) {
                dispatch.shutdownNow();
            }
        } catch (InterruptedException e) {
            dispatch.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    // -- dispatch thread ------------------------------------------------------------------------

    private void startWatch(long afterRevision) {
        stopWatch();
        long generation = ++watchGeneration;
        watch = store.watch(kind, afterRevision, new WatchListener<T>() {
            @Override
            public void onEvents(List<WatchEvent<T>> events) {
                onDispatch(() -> {
                    if (generation == watchGeneration) {
                        applyEvents(events);
                    }
                });
            }

            @Override
            public void onCompacted(long compactRevision) {
                onDispatch(() -> {
                    if (generation == watchGeneration) {
                        LOG.info("{} watch from revision {} was compacted (at {}); listing again",
                                kind.plural(), revision, compactRevision);
                        relist();
                    }
                });
            }

            @Override
            public void onError(Throwable error) {
                onDispatch(() -> {
                    if (generation == watchGeneration) {
                        LOG.warn("{} watch failed: {}; listing again", kind.plural(), error.getMessage());
                        scheduleRelist();
                    }
                });
            }
        });
    }

    private void stopWatch() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
        watchGeneration++;
    }

    private void relist() {
        if (closed) {
            return;
        }
        stopWatch();
        Listing<T> listing;
        try {
            listing = store.list(kind);
        } catch (RuntimeException e) {
            LOG.warn("cannot list {}: {}", kind.plural(), e.getMessage());
            scheduleRelist();
            return;
        }
        backoff.reset();
        applyListing(listing);
        try {
            startWatch(listing.revision());
        } catch (RuntimeException e) {
            LOG.warn("cannot watch {}: {}", kind.plural(), e.getMessage());
            scheduleRelist();
        }
    }

    private void scheduleRelist() {
        stopWatch();
        if (closed) {
            return;
        }
        long delay = backoff.nextDelay().toMillis();
        try {
            dispatch.schedule(this::relist, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closing.
        }
    }

    private void onDispatch(Runnable task) {
        if (closed) {
            return;
        }
        try {
            dispatch.execute(task);
        } catch (RejectedExecutionException e) {
            // Closing.
        }
    }

    /** Replaces the cache with a listing and tells handlers what differs. */
    private void applyListing(Listing<T> listing) {
        List<java.util.function.Consumer<EventHandler<T>>> notifications = new ArrayList<>();
        lock.writeLock().lock();
        try {
            Set<String> seen = new HashSet<>();
            for (T object : listing.items()) {
                seen.add(object.name());
                T old = cache.put(object.name(), object);
                reindex(old, object);
                if (old == null) {
                    notifications.add(h -> h.onAdd(object));
                } else if (old.metadata().resourceVersion() != object.metadata().resourceVersion()) {
                    notifications.add(h -> h.onUpdate(old, object));
                }
            }
            for (String name : List.copyOf(cache.keySet())) {
                if (!seen.contains(name)) {
                    T gone = cache.remove(name);
                    reindex(gone, null);
                    notifications.add(h -> h.onDelete(gone));
                }
            }
            revision = listing.revision();
        } finally {
            lock.writeLock().unlock();
        }
        notifications.forEach(this::notifyHandlers);
    }

    private void applyEvents(List<WatchEvent<T>> events) {
        for (WatchEvent<T> event : events) {
            T object = event.object();
            T old;
            lock.writeLock().lock();
            try {
                if (event.type() == WatchEvent.Type.DELETED) {
                    old = cache.remove(object.name());
                    reindex(old, null);
                } else {
                    old = cache.put(object.name(), object);
                    reindex(old, object);
                }
                // Events of one transaction share its revision, so no event is skipped by it.
                revision = Math.max(revision, event.revision());
            } finally {
                lock.writeLock().unlock();
            }
            if (event.type() == WatchEvent.Type.DELETED) {
                if (old != null) {
                    T last = old;
                    notifyHandlers(h -> h.onDelete(last));
                }
            } else if (old == null) {
                notifyHandlers(h -> h.onAdd(object));
            } else {
                T previous = old;
                notifyHandlers(h -> h.onUpdate(previous, object));
            }
        }
    }

    /** Moves an object's index entries from {@code old} to {@code now}; caller holds the write lock. */
    private void reindex(T old, T now) {
        for (Map.Entry<String, Function<T, Collection<String>>> indexer : indexers.entrySet()) {
            Map<String, Set<String>> index = indexes.get(indexer.getKey());
            if (old != null) {
                for (String value : indexValues(indexer, old)) {
                    Set<String> names = index.get(value);
                    if (names != null) {
                        names.remove(old.name());
                        if (names.isEmpty()) {
                            index.remove(value);
                        }
                    }
                }
            }
            if (now != null) {
                for (String value : indexValues(indexer, now)) {
                    index.computeIfAbsent(value, v -> new HashSet<>()).add(now.name());
                }
            }
        }
    }

    private Collection<String> indexValues(Map.Entry<String, Function<T, Collection<String>>> indexer, T object) {
        try {
            Collection<String> values = indexer.getValue().apply(object);
            return values == null ? List.of() : values;
        } catch (RuntimeException e) {
            LOG.error("index {} of {} failed on {}", indexer.getKey(), kind.plural(), object.name(), e);
            return List.of();
        }
    }

    private void notifyHandlers(java.util.function.Consumer<EventHandler<T>> call) {
        for (EventHandler<T> handler : handlers) {
            try {
                call.accept(handler);
            } catch (RuntimeException e) {
                // One faulty handler must not starve the others nor stop the informer.
                LOG.error("a {} informer handler failed", kind.plural(), e);
            }
        }
    }

    private void requireNotStarted() {
        if (started) {
            throw new IllegalStateException("the " + kind.plural() + " informer is started already");
        }
    }
}
