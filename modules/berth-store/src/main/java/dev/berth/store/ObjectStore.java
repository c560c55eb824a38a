package dev.berth.store;

import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import java.util.List;
import java.util.Optional;

/**
 * Typed access to Berth's objects in etcd. An object's {@code metadata.resourceVersion} is its
 * etcd mod_revision; every update and conditional delete is a compare-and-swap on it.
 *
 * <p>Objects of kind K named N live at {@code <prefix>/berth/v1/<K plural>/<N>} as JSON.
 * All methods block; they throw the subtypes of {@link StoreException}.
 */
public interface ObjectStore extends AutoCloseable {

    /** The largest number of operations one {@link #commit} may carry (etcd's --max-txn-ops). */
    int maxTxnOps();

    /** The object, if it exists, with its resourceVersion set. */
    <T extends ApiObject> Optional<T> get(Kind<T> kind, String name);

    /** Every object of a kind, with the store revision the listing was read at. */
    <T extends ApiObject> Listing<T> list(Kind<T> kind);

    /**
     * The objects of a kind whose name starts with {@code namePrefix}: a key range in etcd, so its
     * cost follows what it returns, not the size of the kind (a service's revisions,
     * {@code <service>-<n>}, among every service's).
     */
    default <T extends ApiObject> Listing<T> list(Kind<T> kind, String namePrefix) {
        Listing<T> all = list(kind);
        return new Listing<>(all.items().stream().filter(o -> o.name().startsWith(namePrefix)).toList(),
                all.revision());
    }

    /**
     * Stores a new object.
     *
     * @return the object as stored, with its resourceVersion
     * @throws StoreException.AlreadyExists when an object of that name exists
     */
    <T extends ApiObject> T create(T object);

    /**
     * Replaces an object if its stored resourceVersion still equals the one {@code object}
     * carries.
     *
     * @return the object as stored, with its new resourceVersion
     * @throws StoreException.Conflict when the stored version differs
     * @throws StoreException.NotFound when there is no such object
     */
    <T extends ApiObject> T update(T object);

    /**
     * Deletes an object; when {@code expectedVersion} is above 0 only if its resourceVersion is
     * still that.
     *
     * @throws StoreException.NotFound when there is no such object
     * @throws StoreException.Conflict when the version differs
     */
    void delete(Kind<?> kind, String name, long expectedVersion);

    /**
     * Applies all operations atomically in one etcd transaction, or none of them.
     *
     * @return the revision of the transaction and the stored objects of creates and updates, in
     *     the order of {@code ops}
     * @throws IllegalArgumentException when there are more than {@link #maxTxnOps()} operations
     * @throws StoreException.Conflict when any precondition fails (nothing is written)
     */
    TxnResult commit(List<WriteOp> ops);

    /**
     * Streams changes of a kind, starting with those after {@code afterRevision} (so a listing's
     * revision gives every change since that listing). Events arrive in revision order on one
     * thread per watch; the listener must not block.
     */
    <T extends ApiObject> Watch watch(Kind<T> kind, long afterRevision, WatchListener<T> listener);

    /** The store's current revision. */
    long currentRevision();

    @Override
    void close();
}
