package dev.berth.store.etcd;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * The objects a store decoded lately, by etcd key and revision: a leading manager watches tasks
 * with several informers (dispatcher, controllers) and API watch streams, and each watcher used to
 * decode the same event's JSON again. A key at a revision never changes in etcd, and the decoded
 * records are immutable, so one decode can serve them all.
 *
 * <p>Direct-mapped and lock-free: a slot holds the last entry whose hash landed there; a miss just
 * decodes (and replaces the slot). Bounded by construction.
 */
final class DecodeCache {

    private record Entry(String key, long revision, Object value) {
    }

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;

    /** @param size slots, rounded up to a power of two */
    DecodeCache(int size) {
        int n = Integer.highestOneBit(Math.max(1, size - 1)) << 1;
        this.slots = new AtomicReferenceArray<>(n);
        this.mask = n - 1;
    }

    /** The value of {@code key} at {@code revision}: cached, or {@code decoder}'s (then cached). */
    <T> T get(String key, long revision, Class<T> type, Supplier<T> decoder) {
        int slot = (key.hashCode() * 31 + Long.hashCode(revision)) & mask;
        Entry e = slots.get(slot);
        if (e != null && e.revision == revision && e.key.equals(key) && type.isInstance(e.value)) {
            return type.cast(e.value);
        }
        T value = decoder.get();
        slots.set(slot, new Entry(key, revision, value));
        return value;
    }
}
