package dev.berth.store;

import dev.berth.api.ApiObject;
import java.util.List;

/**
 * Every object of a kind at one store revision.
 *
 * @param items the objects, in key order
 * @param revision the revision the list was read at; watch after it to see what changed since
 * @param <T> the kind's record type
 */
public record Listing<T extends ApiObject>(List<T> items, long revision) {

    public Listing {
        items = List.copyOf(items);
    }
}
