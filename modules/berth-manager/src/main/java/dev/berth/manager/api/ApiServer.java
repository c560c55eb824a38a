package dev.berth.manager.api;

import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import dev.berth.api.NodeRole;
import dev.berth.api.codec.Codec;
import dev.berth.manager.pki.ClusterPki;
import dev.berth.store.ObjectStore;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Berth's HTTP API server (docs/api.md) on Vert.x: routes, body limit, JSON errors and watch
 * streams. Handlers run on the event loop and hand every store call to a worker pool, because
 * the store blocks.
 *
 * <p>Use: {@code new ApiServer(vertx, store, clock, info, maxBodyBytes)}, then
 * {@link #listen(String, int)} (returns the bound port) and {@link #close()}.
 */
public final class ApiServer implements AutoCloseable {

    /** This release's version, as {@code GET /api/v1/info} reports it. */
    public static final String VERSION = Optional.ofNullable(ApiServer.class.getPackage().getImplementationVersion())
            .orElse("0.1.0-SNAPSHOT");

    /** The path of agent sessions (WebSocket). */
    public static final String SESSION_PATH = "/api/v1/session";

    private static final Logger LOG = LogManager.getLogger(ApiServer.class);
    private static final int WORKER_THREADS = 8;
    private static final int MAX_SESSION_MESSAGE_BYTES = 64 * 1024 * 1024;

    private final Vertx vertx;
    private final ObjectStore store;
    private final ClusterInfo info;
    private final long maxBodyBytes;
    private final ApiOperations operations;
    private final WorkerExecutor worker;
    private final Set<WatchStream> watches = ConcurrentHashMap.newKeySet();
    private HttpServer server;
    private Handler<ServerWebSocket> sessions;
    private ClusterPki pki;

    public ApiServer(Vertx vertx, ObjectStore store, Clock clock, ClusterInfo info, long maxBodyBytes) {
        this.vertx = vertx;
        this.store = store;
        this.info = info;
        this.maxBodyBytes = maxBodyBytes;
        this.operations = new ApiOperations(store, clock);
        this.worker = vertx.createSharedWorkerExecutor("berth-api-" + System.identityHashCode(this),
                WORKER_THREADS);
    }

    /** The operations behind the endpoints (the manager registers its own node through them). */
    public ApiOperations operations() {
        return operations;
    }

    /**
     * Serves agent sessions: WebSocket upgrades of {@code GET /api/v1/session} go to
     * {@code handler} (the dispatcher). Call before {@link #listen}.
     */
    public void sessions(Handler<ServerWebSocket> handler) {
        this.sessions = handler;
    }

    /**
     * Serves the join tokens ({@code GET /api/v1/join-tokens},
     * {@code POST /api/v1/join-tokens/{role}/rotate}) from {@code pki}. Call before {@link #listen}.
     */
    public void joinTokens(ClusterPki clusterPki) {
        this.pki = clusterPki;
    }

    /**
     * Starts listening and blocks until the port is bound.
     *
     * @param port the port, or 0 for any free one
     * @return the port bound
     */
    public int listen(String host, int port) {
        HttpServer created = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
                        // an agent's status report may name hundreds of tasks in one message
                        .setMaxWebSocketMessageSize(MAX_SESSION_MESSAGE_BYTES))
                .requestHandler(router());
        server = HttpServers.listen(created, "", host, port);
        LOG.info("API listening on {}:{}", host, server.actualPort());
        return server.actualPort();
    }

    /** The bound port; 0 before {@link #listen}. */
    public int port() {
        return server == null ? 0 : server.actualPort();
    }

    /** The number of open watch streams (each holds a store watch). */
    public int activeWatches() {
        return watches.size();
    }

    Router router() {
        Router router = Router.router(vertx);
        // before the body handler: an upgrade request has no body to read
        router.get(SESSION_PATH).handler(ctx -> {
            if (sessions == null || !ctx.request().canUpgradeToWebSocket()) {
                fail(ctx, ApiError.badRequest("", "agent sessions are WebSockets at " + SESSION_PATH));
                return;
            }
            ctx.request().toWebSocket().onSuccess(sessions)
                    .onFailure(e -> LOG.debug("session upgrade failed: {}", e.toString()));
        });
        router.route().handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain")
                .end("ok"));
        router.get("/api/v1/info").handler(this::info);
        router.post("/api/v1/apply").handler(this::apply);
        router.post("/api/v1/nodes/register").handler(this::register);
        // before /api/v1/:kind, which would take "join-tokens" for an unknown kind
        router.get("/api/v1/join-tokens").handler(this::joinTokens);
        router.post("/api/v1/join-tokens/:role/rotate").handler(this::rotateJoinToken);
        router.post("/api/v1/services/:name/rollback").handler(this::rollback);
        router.post("/api/v1/services/:name/pause").handler(ctx -> blocking(ctx,
                () -> operations.pauseRollout(ctx.pathParam("name")), (c, o) -> send(c, 200, o)));
        router.post("/api/v1/services/:name/resume").handler(ctx -> blocking(ctx,
                () -> operations.resumeRollout(ctx.pathParam("name")), (c, o) -> send(c, 200, o)));
        router.get("/api/v1/:kind").handler(this::list);
        router.post("/api/v1/:kind").handler(this::create);
        router.get("/api/v1/:kind/:name").handler(this::get);
        router.put("/api/v1/:kind/:name").handler(this::replace);
        router.delete("/api/v1/:kind/:name").handler(this::delete);
        // Tasks are read-only and other writes have fixed shapes: any other method on a known path is 405.
        router.route("/api/v1/:kind").handler(ctx -> kind(ctx).ifPresent(k -> fail(ctx,
                ApiError.methodNotAllowed(ctx.request().method() + " is not allowed on /api/v1/" + k.plural()))));
        router.route("/api/v1/:kind/:name").handler(ctx -> kind(ctx).ifPresent(k -> fail(ctx,
                ApiError.methodNotAllowed(ctx.request().method() + " is not allowed on /api/v1/" + k.plural()
                        + "/{name}"))));
        router.errorHandler(404, ctx -> fail(ctx, ApiError.notFound("no such endpoint: "
                + ctx.request().method() + " " + ctx.request().path())));
        router.errorHandler(405, ctx -> fail(ctx, ApiError.methodNotAllowed(ctx.request().method()
                + " is not allowed on " + ctx.request().path())));
        router.errorHandler(413, ctx -> fail(ctx, ApiError.tooLarge(maxBodyBytes)));
        router.errorHandler(400, ctx -> fail(ctx, ctx.failure() == null
                ? ApiError.badRequest("", "bad request") : ApiErrors.from(ctx.failure())));
        router.errorHandler(500, ctx -> {
            if (ctx.failure() != null) {
                LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            }
            fail(ctx, ctx.failure() == null ? ApiError.internal("internal error") : ApiErrors.from(ctx.failure()));
        });
        return router;
    }

    private void info(RoutingContext ctx) {
        blocking(ctx, () -> {
            return new ApiResponses.Info(VERSION, info.clusterId(), info.managerNodeId(), info.leader().orElse(""));
        }, (c, out) -> send(c, 200, out));
    }

    private void list(RoutingContext ctx) {
        Optional<Kind<?>> kind = kind(ctx);
        if (kind.isEmpty()) {
            return;
        }
        LabelSelector selector;
        long resourceVersion;
        try {
            selector = LabelSelector.parse(ctx.request().getParam("labelSelector"));
        } catch (IllegalArgumentException e) {
            fail(ctx, ApiError.badRequest("labelSelector", "labelSelector: " + e.getMessage()));
            return;
        }
        try {
            resourceVersion = resourceVersion(ctx);
        } catch (ApiException e) {
            fail(ctx, e.error());
            return;
        }
        String watch = ctx.request().getParam("watch");
        if ("true".equalsIgnoreCase(watch) || "1".equals(watch)) {
            WatchStream[] holder = new WatchStream[1];
            holder[0] = new WatchStream(vertx.getOrCreateContext(), ctx.response(), worker, kind.get(), selector,
                    () -> watches.remove(holder[0]));
            watches.add(holder[0]);
            holder[0].start(store, resourceVersion);
            return;
        }
        blocking(ctx, () -> operations.list(kind.get(), selector), (c, result) -> send(c, 200,
                new ApiResponses.ObjectList(ApiObject.API_VERSION, result.kind().name() + "List", result.revision(),
                        result.items())));
    }

    private void get(RoutingContext ctx) {
        kind(ctx).ifPresent(k -> blocking(ctx, () -> operations.get(k, ctx.pathParam("name")),
                (c, o) -> send(c, 200, o)));
    }

    private void create(RoutingContext ctx) {
        kind(ctx).ifPresent(k -> blocking(ctx, () -> operations.create(k, body(ctx), contentType(ctx)),
                (c, o) -> send(c, 201, o)));
    }

    private void replace(RoutingContext ctx) {
        kind(ctx).ifPresent(k -> blocking(ctx,
                () -> operations.replace(k, ctx.pathParam("name"), body(ctx), contentType(ctx)),
                (c, o) -> send(c, 200, o)));
    }

    private void delete(RoutingContext ctx) {
        kind(ctx).ifPresent(k -> blocking(ctx,
                () -> k == Kind.NODE
                        ? operations.deleteNode(ctx.pathParam("name"), resourceVersion(ctx),
                                "true".equalsIgnoreCase(ctx.request().getParam("force")))
                        : operations.delete(k, ctx.pathParam("name"), resourceVersion(ctx)),
                (c, o) -> send(c, 200, o)));
    }

    /** {@code POST /api/v1/services/NAME/rollback} with {@code {}} or {@code {"toRevision": N}}. */
    private void rollback(RoutingContext ctx) {
        blocking(ctx, () -> operations.rollback(ctx.pathParam("name"),
                ApiOperations.decodeRollback(body(ctx), contentType(ctx))), (c, o) -> send(c, 200, o));
    }

    private void apply(RoutingContext ctx) {
        blocking(ctx, () -> operations.apply(body(ctx), contentType(ctx)),
                (c, results) -> send(c, 200, new ApiResponses.ApplyResponse(results)));
    }

    private void register(RoutingContext ctx) {
        blocking(ctx, () -> operations.register(ApiOperations.decodeRegistration(body(ctx), contentType(ctx))),
                (c, r) -> send(c, r.created() ? 201 : 200, r.node()));
    }

    private void joinTokens(RoutingContext ctx) {
        ClusterPki p = pki;
        if (p == null) {
            fail(ctx, ApiError.notFound("this manager has no cluster CA, so no join tokens"));
            return;
        }
        blocking(ctx, p::tokens, (c, tokens) -> send(c, 200, tokens));
    }

    private void rotateJoinToken(RoutingContext ctx) {
        ClusterPki p = pki;
        if (p == null) {
            fail(ctx, ApiError.notFound("this manager has no cluster CA, so no join tokens"));
            return;
        }
        String role = ctx.pathParam("role");
        NodeRole r;
        if (NodeRole.WORKER.value().equals(role)) {
            r = NodeRole.WORKER;
        } else if (NodeRole.MANAGER.value().equals(role)) {
            r = NodeRole.MANAGER;
        } else {
            fail(ctx, ApiError.badRequest("role", "role: expected worker or manager, got \"" + role + "\""));
            return;
        }
        blocking(ctx, () -> {
            var tokens = p.rotate(r);
            LOG.info("the {} join token was rotated", r.value());
            return tokens;
        }, (c, tokens) -> send(c, 200, tokens));
    }

    /** The kind of the URL; answers 404 and returns empty when it names none. */
    private static Optional<Kind<?>> kind(RoutingContext ctx) {
        String plural = ctx.pathParam("kind");
        Optional<Kind<?>> kind = ObjectWrites.kindOfPlural(plural);
        if (kind.isEmpty()) {
            fail(ctx, ApiError.notFound("unknown kind \"" + plural + "\" in the URL: expected one of "
                    + Kind.accepted()));
        }
        return kind;
    }

    private static long resourceVersion(RoutingContext ctx) {
        String value = ctx.request().getParam("resourceVersion");
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            long v = Long.parseLong(value);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ApiException(ApiError.badRequest("resourceVersion",
                    "resourceVersion: expected a non-negative integer, got \"" + value + "\""));
        }
    }

    private static String body(RoutingContext ctx) {
        String body = ctx.body() == null ? null : ctx.body().asString();
        return body == null ? "" : body;
    }

    private static String contentType(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        return type == null ? "" : type;
    }

    private <T> void blocking(RoutingContext ctx, Callable<T> work, BiConsumer<RoutingContext, T> onSuccess) {
        worker.executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) {
                onSuccess.accept(ctx, ar.result());
            } else {
                ApiError error = ApiErrors.from(ar.cause());
                if (error.code() >= 500) {
                    LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), error.message(),
                            ar.cause());
                }
                fail(ctx, error);
            }
        });
    }

    private static void send(RoutingContext ctx, int status, Object value) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return; // not even encoded
        }
        HttpServers.sendJson(ctx.response(), status, Codec.toJson(value));
    }

    private static void fail(RoutingContext ctx, ApiError error) {
        HttpServers.sendError(ctx.response(), error);
    }

    /** Stops listening, ends every watch and waits for that; idempotent. */
    @Override
    public void close() {
        HttpServer s = server;
        server = null;
        HttpServers.close(s, "the API server");
        for (WatchStream w : List.copyOf(watches)) {
            try {
                w.shutdown();
            } catch (RuntimeException e) {
                LOG.debug("closing a watch failed", e);
            }
        }
        worker.close();
    }
}
