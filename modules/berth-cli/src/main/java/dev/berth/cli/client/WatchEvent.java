package dev.berth.cli.client;

import dev.berth.api.ApiObject;

/**
 * One line of a watch stream: {@code ADDED}, {@code MODIFIED} or {@code DELETED} with the object.
 * An {@code ERROR} line (e.g. 410, revision compacted) is thrown as an {@link ApiException}
 * instead.
 *
 * @param type ADDED, MODIFIED or DELETED
 * @param object the object after the change (for DELETED: as it was)
 * @param <T> the object type
 */
public record WatchEvent<T extends ApiObject>(String type, T object) {
}
