package dev.berth.store;

import dev.berth.testkit.ForwardingObjectStore;
import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real store whose first watch does not start until the test calls {@link #release()}, so a
 * test can make changes (and compact them away) while an informer is not watching. Everything
 * else goes straight to the wrapped store.
 */
final class GatedStore extends ForwardingObjectStore {

    private final CountDownLatch gate = new CountDownLatch(1);
    private volatile boolean firstWatchTaken;
    private volatile boolean failFirstWatch;

    GatedStore(ObjectStore delegate) {
        super(delegate);
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
            return delegate().watch(kind, afterRevision, listener);
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
                    real[0] = delegate().watch(kind, afterRevision, listener);
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
}
