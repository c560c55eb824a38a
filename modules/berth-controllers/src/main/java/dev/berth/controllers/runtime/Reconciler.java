package dev.berth.controllers.runtime;

/**
 * A controller's decision step for one key: reads its informers' caches, writes what differs, and
 * says what should happen next. It must be idempotent: the same key may be reconciled again at
 * any time, and a thrown exception counts as {@link Result#error}.
 *
 * @param <K> the key type, e.g. a service name
 */
@FunctionalInterface
public interface Reconciler<K> {

    Result reconcile(K key);
}
