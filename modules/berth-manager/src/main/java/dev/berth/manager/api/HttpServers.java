package dev.berth.manager.api;

import dev.berth.api.codec.Codec;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What the manager's two HTTP listeners (the local API and the TLS cluster port) do alike:
 * bind and wait, close and wait, and answer JSON and {@link ApiError}s.
 */
public final class HttpServers {

    private static final Logger LOG = LogManager.getLogger(HttpServers.class);

    private HttpServers() {
    }

    /**
     * Binds {@code created} and waits until it listens.
     *
     * @param what how the messages name the listener, e.g. "" or "the cluster port "
     * @throws IllegalStateException when it cannot bind within 30 s (the port is taken, …)
     */
    public static HttpServer listen(HttpServer created, String what, String host, int port) {
        try {
            return created.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding " + what + host + ":" + port, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot listen on " + what + host + ":" + port + ": "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
        }
    }

    /** Stops {@code server} (if any) and waits up to 10 s; a failure is logged as closing {@code what}. */
    public static void close(HttpServer server, String what) {
        if (server == null) {
            return;
        }
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("closing {} failed", what, e);
        }
    }

    /** Answers {@code json} with {@code status}, unless the response is over already. */
    public static void sendJson(HttpServerResponse response, int status, String json) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
    }

    /** Answers {@code error} as its JSON body with its status, unless a response has begun. */
    public static void sendError(HttpServerResponse response, ApiError error) {
        if (response.ended() || response.closed() || response.headWritten()) {
            return;
        }
        response.setStatusCode(error.code()).putHeader("Content-Type", "application/json").end(Codec.toJson(error));
    }
}
