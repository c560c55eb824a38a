package dev.berth.testkit;

import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import dev.berth.store.Listing;
import dev.berth.store.ObjectStore;
import dev.berth.store.TxnResult;
import dev.berth.store.Watch;
import dev.berth.store.WatchListener;
import dev.berth.store.WriteOp;
import java.util.List;
import java.util.Optional;

/**
 * An {@link ObjectStore} that passes every call to a real store. Tests extend it to count or
 * hold back one kind of call (transactions, the first watch) and override only that method;
 * everything still reaches etcd.
 */
public abstract class ForwardingObjectStore implements ObjectStore {

    private final ObjectStore delegate;

    protected ForwardingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    /** The real store underneath. */
    protected ObjectStore delegate() {
        return delegate;
    }

    @Override
    public int maxTxnOps() {
        return delegate.maxTxnOps();
    }

    @Override
    public <T extends ApiObject> Optional<T> get(Kind<T> kind, String name) {
        return delegate.get(kind, name);
    }

    @Override
    public <T extends ApiObject> Listing<T> list(Kind<T> kind) {
        return delegate.list(kind);
    }

    @Override
    public <T extends ApiObject> Listing<T> list(Kind<T> kind, String namePrefix) {
        return delegate.list(kind, namePrefix);
    }

    @Override
    public <T extends ApiObject> T create(T object) {
        return delegate.create(object);
    }

    @Override
    public <T extends ApiObject> T update(T object) {
        return delegate.update(object);
    }

    @Override
    public void delete(Kind<?> kind, String name, long expectedVersion) {
        delegate.delete(kind, name, expectedVersion);
    }

    @Override
    public TxnResult commit(List<WriteOp> ops) {
        return delegate.commit(ops);
    }

    @Override
    public <T extends ApiObject> Watch watch(Kind<T> kind, long afterRevision, WatchListener<T> listener) {
        return delegate.watch(kind, afterRevision, listener);
    }

    @Override
    public long currentRevision() {
        return delegate.currentRevision();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
