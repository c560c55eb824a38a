package dev.berth.controllers.runtime;

import dev.berth.store.ObjectStore;
import dev.berth.store.TxnResult;
import dev.berth.store.WriteOp;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits writes into etcd transactions of at most {@link ObjectStore#maxTxnOps()} operations:
 * the one way controllers turn a list of operations into commits.
 */
public final class Txns {

    private Txns() {
    }

    /** {@code ops} cut into consecutive chunks of at most {@code size}. */
    public static <T> List<List<T>> chunks(List<T> ops, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be positive, got " + size);
        }
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < ops.size(); i += size) {
            chunks.add(List.copyOf(ops.subList(i, Math.min(ops.size(), i + size))));
        }
        return chunks;
    }

    /**
     * Commits {@code ops} chunk by chunk, in order, and returns the results.
     *
     * @throws dev.berth.store.StoreException.Conflict when a chunk's precondition fails; the
     *     chunks before it stay committed, which is fine for idempotent controllers
     */
    public static List<TxnResult> commitAll(ObjectStore store, List<WriteOp> ops) {
        List<TxnResult> results = new ArrayList<>();
        for (List<WriteOp> chunk : chunks(ops, store.maxTxnOps())) {
            results.add(store.commit(chunk));
        }
        return results;
    }
}
