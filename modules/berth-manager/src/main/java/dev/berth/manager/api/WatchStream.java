package dev.berth.manager.api;

import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import dev.berth.api.codec.Codec;
import dev.berth.store.Listing;
import dev.berth.store.ObjectStore;
import dev.berth.store.StoreException;
import dev.berth.store.Watch;
import dev.berth.store.WatchEvent;
import dev.berth.store.WatchListener;
import io.vertx.core.Context;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One watch response: a store watch whose events become NDJSON lines of a chunked HTTP
 * response. Store calls run on the worker pool; every write to the response is posted to the
 * request's event-loop context, in order, so the initial ADDED lines precede the watch's events.
 */
final class WatchStream implements WatchListener<ApiObject> {

    private static final Logger LOG = LogManager.getLogger(WatchStream.class);
    /** Lines queued while the response's write queue is full before a slow client is cut off. */
    private static final int MAX_LINES_WHILE_FULL = 10_000;

    private final Context context;
    private final HttpServerResponse response;
    private final WorkerExecutor worker;
    private final Kind<?> kind;
    private final LabelSelector selector;
    private final Object lock = new Object();
    private final Runnable onFinish;
    private Watch watch;
    private boolean finished;
    // touched only on the event loop
    private int linesWhileFull;

    WatchStream(Context context, HttpServerResponse response, WorkerExecutor worker, Kind<?> kind,
            LabelSelector selector, Runnable onFinish) {
        this.onFinish = onFinish;
        this.context = context;
        this.response = response;
        this.worker = worker;
        this.kind = kind;
        this.selector = selector;
    }

    /**
     * Starts streaming: after {@code resourceVersion} when above 0, else the current objects as
     * ADDED and then every change. Called on the event loop.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void start(ObjectStore store, long resourceVersion) {
        response.closeHandler(v -> finish());
        response.exceptionHandler(e -> finish());
        worker.executeBlocking(() -> {
            long from = resourceVersion;
            if (from <= 0) {
                Listing<? extends ApiObject> listing = store.list(kind);
                List<? extends ApiObject> items = listing.items();
                context.runOnContext(v -> {
                    head();
                    for (ApiObject o : items) {
                        if (selector.matches(o.metadata().labels())) {
                            send("ADDED", o);
                        }
                    }
                });
                from = listing.revision();
            } else {
                context.runOnContext(v -> head());
            }
            Watch started;
            try {
                started = store.watch((Kind) kind, from, this);
            } catch (StoreException.Compacted e) {
                onCompacted(e.compactRevision());
                return null;
            }
            boolean closeNow;
            synchronized (lock) {
                closeNow = finished;
                watch = started;
            }
            if (closeNow) {
                started.close();
            }
            return null;
        }, false).onFailure(e -> context.runOnContext(v -> {
            if (!response.headWritten()) {
                HttpServers.sendError(response, ApiErrors.from(e));
                finish();
            } else {
                endWithError(ApiErrors.from(e));
            }
        }));
    }

    @Override
    public void onEvents(List<WatchEvent<ApiObject>> events) {
        context.runOnContext(v -> {
            for (WatchEvent<ApiObject> e : events) {
                if (selector.matches(e.object().metadata().labels())) {
                    send(e.type().name(), e.object());
                }
            }
        });
    }

    @Override
    public void onCompacted(long compactRevision) {
        context.runOnContext(v -> endWithError(ApiError.gone("resourceVersion was compacted (compacted up to "
                + compactRevision + "); list again and watch from the list's resourceVersion")));
    }

    @Override
    public void onError(Throwable error) {
        LOG.warn("watch of {} failed", kind.plural(), error);
        context.runOnContext(v -> endWithError(ApiErrors.from(error)));
    }

    private void head() {
        if (!response.headWritten() && !response.closed()) {
            response.setStatusCode(200);
            response.setChunked(true);
            response.putHeader("Content-Type", "application/x-ndjson");
            response.writeHead();
        }
    }

    private void send(String type, ApiObject object) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.write(Codec.toJson(new ApiResponses.WatchLine(type, object)) + "\n");
        if (response.writeQueueFull()) {
            // The client reads slower than objects change: bound what waits for it, then let it
            // list and watch again rather than buffer without limit.
            if (linesWhileFull++ == 0) {
                response.drainHandler(v -> linesWhileFull = 0);
            }
            if (linesWhileFull > MAX_LINES_WHILE_FULL) {
                LOG.warn("watch of {}: client too slow, ending the stream", kind.plural());
                endWithError(ApiError.unavailable("the client read the watch too slowly; list and watch again"));
            }
        }
    }

    private void endWithError(ApiError error) {
        if (!response.ended() && !response.closed()) {
            head();
            ApiResponses.WatchError status = new ApiResponses.WatchError(error.code(), error.message(), error.field());
            response.end(Codec.toJson(new ApiResponses.WatchLine("ERROR", status)) + "\n");
        }
        finish();
    }

    /** Closes the store watch on the calling thread (the server is shutting down). */
    void shutdown() {
        Watch toClose;
        synchronized (lock) {
            finished = true;
            toClose = watch;
            watch = null;
        }
        if (toClose != null) {
            toClose.close();
        }
        onFinish.run();
    }

    /** Stops the store watch once: the client went away or the stream ended. */
    private void finish() {
        Watch toClose;
        synchronized (lock) {
            if (finished && watch == null) {
                return;
            }
            finished = true;
            toClose = watch;
            watch = null;
        }
        onFinish.run();
        if (toClose != null) {
            worker.executeBlocking(() -> {
                toClose.close();
                return null;
            }, false).onFailure(e -> LOG.debug("closing a watch of {} failed", kind.plural(), e));
            LOG.debug("watch of {} closed", kind.plural());
        }
    }
}
