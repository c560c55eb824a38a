package dev.berth.store.informer;

import dev.berth.api.ApiObject;

/**
 * Told about changes to an informer's cache. Called on the informer's thread; must not block
 * (put keys on a work queue instead).
 *
 * @param <T> the kind's record type
 */
public interface EventHandler<T extends ApiObject> {

    void onAdd(T object);

    void onUpdate(T oldObject, T newObject);

    void onDelete(T object);
}
