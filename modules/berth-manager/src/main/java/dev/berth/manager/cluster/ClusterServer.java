package dev.berth.manager.cluster;

import dev.berth.api.codec.Codec;
import dev.berth.manager.api.ApiError;
import dev.berth.manager.api.ApiErrors;
import dev.berth.manager.api.HttpServers;
import dev.berth.manager.dispatcher.Dispatcher;
import dev.berth.manager.pki.ClusterPki;
import dev.berth.manager.pki.JoinService;
import dev.berth.manager.pki.NodeIdentity;
import dev.berth.manager.pki.ServerCredentials;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The manager's cluster port: HTTPS with the manager's server certificate, client certificates
 * requested (not required: a joining server has none yet).
 *
 * <ul>
 *   <li>{@code GET /healthz} — {@code ok};</li>
 *   <li>{@code GET /api/v1/ca} — the CA certificate (PEM), which a joining server checks
 *       against its token's fingerprint before trusting anything;</li>
 *   <li>{@code POST /api/v1/join} — {@link JoinService#join};</li>
 *   <li>{@code GET /api/v1/session} — the dispatcher's WebSocket, only with a valid node
 *       certificate: its CN is the session's node id.</li>
 * </ul>
 *
 * <p>Use: {@code new ClusterServer(vertx, pki, join, dispatcher)}, then
 * {@link #listen(String, int, ServerCredentials)} (returns the bound port) and {@link #close()}.
 */
public final class ClusterServer implements AutoCloseable {

    /** The default cluster port. */
    public static final int DEFAULT_PORT = 4242;
    /** The path of the CA certificate. */
    public static final String CA_PATH = "/api/v1/ca";
    /** The path of joins. */
    public static final String JOIN_PATH = "/api/v1/join";
    /** The path of agent sessions. */
    public static final String SESSION_PATH = Dispatcher.PATH;

    private static final Logger LOG = LogManager.getLogger(ClusterServer.class);
    // a join is a small JSON document: a public key and a node description
    private static final long MAX_BODY_BYTES = 64 * 1024;
    private static final int MAX_SESSION_MESSAGE_BYTES = 64 * 1024 * 1024;

    private final Vertx vertx;
    private final ClusterPki pki;
    private final JoinService join;
    private final Dispatcher dispatcher;
    private final WorkerExecutor worker;
    private HttpServer server;

    public ClusterServer(Vertx vertx, ClusterPki pki, JoinService join, Dispatcher dispatcher) {
        this.vertx = vertx;
        this.pki = pki;
        this.join = join;
        this.dispatcher = dispatcher;
        this.worker = vertx.createSharedWorkerExecutor("berth-cluster-" + System.identityHashCode(this), 2);
    }

    /**
     * Starts listening with TLS and blocks until the port is bound.
     *
     * @param port the port, or 0 for any free one
     * @return the port bound
     */
    public int listen(String host, int port, ServerCredentials credentials) {
        HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertValue(Buffer.buffer(credentials.certificate()))
                        .setKeyValue(Buffer.buffer(credentials.key())))
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(credentials.caCertificate())))
                // requested, not required: a server that joins has no certificate yet
                .setClientAuth(ClientAuth.REQUEST)
                .setMaxWebSocketMessageSize(MAX_SESSION_MESSAGE_BYTES);
        HttpServer created = vertx.createHttpServer(options).requestHandler(router());
        server = HttpServers.listen(created, "the cluster port ", host, port);
        LOG.info("cluster port listening on {}:{} (TLS)", host, server.actualPort());
        return server.actualPort();
    }

    /** The bound port; 0 before {@link #listen}. */
    public int port() {
        return server == null ? 0 : server.actualPort();
    }

    Router router() {
        Router router = Router.router(vertx);
        router.get(SESSION_PATH).handler(this::session);
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain").end("ok"));
        router.get(CA_PATH).handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain")
                .end(pki.ca().certificatePem()));
        router.post(JOIN_PATH).handler(ctx -> {
            String body = ctx.body() == null || ctx.body().asString() == null ? "" : ctx.body().asString();
            worker.executeBlocking(() -> join.join(body), false).onComplete(ar -> {
                if (ar.succeeded()) {
                    send(ctx.response(), 200, Codec.toJson(ar.result()));
                } else {
                    ApiError error = ApiErrors.from(ar.cause());
                    if (error.code() >= 500) {
                        LOG.warn("join from {} failed: {}", ctx.request().remoteAddress(), error.message(), ar.cause());
                    }
                    fail(ctx.response(), error);
                }
            });
        });
        router.errorHandler(404, ctx -> fail(ctx.response(), ApiError.notFound("no such endpoint on the cluster port: "
                + ctx.request().method() + " " + ctx.request().path())));
        router.errorHandler(405, ctx -> fail(ctx.response(), ApiError.methodNotAllowed(ctx.request().method()
                + " is not allowed on " + ctx.request().path())));
        router.errorHandler(413, ctx -> fail(ctx.response(), ApiError.tooLarge(MAX_BODY_BYTES)));
        router.errorHandler(500, ctx -> fail(ctx.response(), ctx.failure() == null
                ? ApiError.internal("internal error") : ApiErrors.from(ctx.failure())));
        return router;
    }

    private void session(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Optional<NodeIdentity> identity = peer(request);
        if (identity.isEmpty()) {
            fail(ctx.response(), new ApiError(401, "Unauthorized", "agent sessions on the cluster port need the"
                    + " node's certificate from the cluster CA (berth join writes it)", ""));
            return;
        }
        if (!request.canUpgradeToWebSocket()) {
            fail(ctx.response(), ApiError.badRequest("", "agent sessions are WebSockets at " + SESSION_PATH));
            return;
        }
        String nodeId = identity.get().nodeId();
        request.toWebSocket().onSuccess(ws -> dispatcher.accept(ws, Optional.of(nodeId)))
                .onFailure(e -> LOG.debug("session upgrade of node {} failed: {}", nodeId, e.toString()));
    }

    /** The node the request's client certificate names, if it sent one the cluster CA issued. */
    private Optional<NodeIdentity> peer(HttpServerRequest request) {
        List<Certificate> chain;
        try {
            chain = request.connection().peerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
        if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        // TLS checked the chain already; checked again here so that the CN is trusted only from
        // a certificate of this cluster, valid now, whatever the TLS stack's settings
        return pki.verify(leaf);
    }

    private static void send(HttpServerResponse response, int status, String json) {
        HttpServers.sendJson(response, status, json);
    }

    private static void fail(HttpServerResponse response, ApiError error) {
        HttpServers.sendError(response, error);
    }

    /** Stops listening; idempotent. */
    @Override
    public void close() {
        HttpServer s = server;
        server = null;
        HttpServers.close(s, "the cluster port");
        worker.close();
    }
}
