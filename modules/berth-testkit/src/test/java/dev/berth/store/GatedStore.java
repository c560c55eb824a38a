package dev.berth.store;

import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real store whose first watch does not start until the test calls {@link #release()}, so a
 * test can make changes (and compact them away) while an informer is not watching. Everything
 * else goes straight to the wrapped store.
 */
final class GatedStore implements ObjectStore {

    private final ObjectStore delegate;
    private final CountDownLatch gate = new CountDownLatch(1);
    private volatile boolean firstWatchTaken;
    private volatile boolean failFirstWatch;

    GatedStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    /** Makes the first watch end with an error when released, instead of starting. */
    GatedStore failingFirstWatch() {
        failFirstWatch = true;
        return this;
    }

    void release() {
        gate.countDown();
    }

    @Override
    public <T extends ApiObject> Watch watch(Kind<T> kind, long afterRevision, WatchListener<T> listener) {
        if (firstWatchTaken) {
            return delegate.watch(kind, afterRevision, listener);
        }
        firstWatchTaken = true;
        Watch[] real = new Watch[1];
        Thread starter = new Thread(() -> {
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            if (failFirstWatch) {
                listener.onError(new StoreException.Unavailable("injected watch failure", null));
            } else {
                synchronized (real) {
                    real[0] = delegate.watch(kind, afterRevision, listener);
                }
            }
        }, "gated-watch");
        starter.setDaemon(true);
        starter.start();
        return () -> {
            starter.interrupt();
            synchronized (real) {
                if (real[0] != null) {
                    real[0].close();
                }
            }
        };
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
    public long currentRevision() {
        return delegate.currentRevision();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
