package dev.berth.cli.client;

import dev.berth.api.ApiObject;
import java.util.List;

/**
 * A list answered by {@code GET /api/v1/{kind}}: its items and the revision to watch from.
 *
 * @param resourceVersion the store revision the list was read at; watch from it to miss nothing
 * @param items the objects
 * @param <T> the object type
 */
public record ObjectList<T extends ApiObject>(long resourceVersion, List<T> items) {

    public ObjectList {
        items = List.copyOf(items);
    }
}
