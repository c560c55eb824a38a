package dev.berth.store;

import dev.berth.api.ApiObject;

/**
 * A change to one object.
 *
 * @param type what happened
 * @param object the object after the change (for DELETED: as it was last stored, with the
 *     revision of the deletion as resourceVersion)
 * @param revision the store revision of the change
 * @param <T> the kind's record type
 */
public record WatchEvent<T extends ApiObject>(Type type, T object, long revision) {

    /** The kinds of change, named as the HTTP watch API names them. */
    public enum Type { ADDED, MODIFIED, DELETED }
}
