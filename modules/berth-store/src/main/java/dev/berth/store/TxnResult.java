package dev.berth.store;

import dev.berth.api.ApiObject;
import java.util.List;

/**
 * What a committed transaction stored.
 *
 * @param revision the store revision of the transaction
 * @param stored the objects of the creates and updates as stored (with their new
 *     resourceVersion), in the order of the operations
 */
public record TxnResult(long revision, List<ApiObject> stored) {

    public TxnResult {
        stored = List.copyOf(stored);
    }
}
