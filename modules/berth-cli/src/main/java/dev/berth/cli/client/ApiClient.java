package dev.berth.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import dev.berth.api.codec.Codec;
import dev.berth.api.codec.DecodeException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The CLI's client for the Berth manager's HTTP API (see {@code docs/api.md}). Every call the CLI
 * makes goes through here, so that every error the API answers becomes an {@link ApiException}
 * whose message is the API's own one-line message, and a manager that does not answer becomes
 * one saying how to start it.
 */
public final class ApiClient {

    private static final String JSON = "application/json";
    /** A request that takes longer than this is a hung manager, not a slow one (watches excepted). */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final HttpClient http;

    /**
     * A client of the manager at {@code server}.
     *
     * @param server the manager's URL, e.g. {@code http://127.0.0.1:4243}; {@code host:port}
     *     alone means http
     */
    public ApiClient(String server) {
        this.base = normalize(server);
        this.http = HttpClient.newBuilder()
                // Vert.x answers HTTP/1.1; skipping the h2c upgrade attempt saves a round trip.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Turns {@code host:port} or a URL with a trailing slash into the base URL. */
    static URI normalize(String server) {
        String s = server.strip();
        if (!s.contains("://")) {
            s = "http://" + s;
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            URI uri = URI.create(s);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ApiException(ApiException.UNREACHABLE, "BadHost",
                    "invalid manager address \"" + server + "\": expected a URL like http://127.0.0.1:4243", "");
        }
    }

    /** The manager's base URL. */
    public String server() {
        return base.toString();
    }

    /** Whether {@code GET /healthz} answers 200 (false when the manager cannot be reached). */
    public boolean healthy() {
        try {
            HttpResponse<String> response = http.send(request("/healthz").timeout(Duration.ofSeconds(2)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code GET /api/v1/info}. */
    public ApiInfo info() {
        return read(send(request("/api/v1/info").GET().build()), ApiInfo.class);
    }

    /** {@code GET /api/v1/{kind}}, optionally filtered by a label selector. */
    public <T extends ApiObject> ObjectList<T> list(Kind<T> kind, Optional<String> labelSelector) {
        String query = labelSelector.filter(s -> !s.isBlank()).map(s -> "?labelSelector=" + encode(s)).orElse("");
        JsonNode tree = tree(send(request(path(kind) + query).GET().build()));
        List<T> items = new ArrayList<>();
        JsonNode itemNodes = tree.path("items");
        for (JsonNode item : itemNodes) {
            items.add(Codec.bind(item, kind.type()));
        }
        return new ObjectList<>(tree.path("resourceVersion").asLong(0), items);
    }

    /** {@code GET /api/v1/{kind}/{name}}. */
    public <T extends ApiObject> T get(Kind<T> kind, String name) {
        return object(kind, send(request(path(kind, name)).GET().build()));
    }

    /** {@code GET /api/v1/{kind}/{name}}, empty when there is no such object. */
    public <T extends ApiObject> Optional<T> find(Kind<T> kind, String name) {
        try {
            return Optional.of(get(kind, name));
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** {@code POST /api/v1/{kind}}: creates the object, returns it as stored. */
    public <T extends ApiObject> T create(T object) {
        Kind<T> kind = Kind.of(object);
        return object(kind, send(request(path(kind)).header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(Codec.toJson(object))).build()));
    }

    /**
     * {@code PUT /api/v1/{kind}/{name}}: replaces spec, labels and annotations; a compare-and-swap
     * when the object's {@code resourceVersion} is set (a stale one is a 409).
     */
    public <T extends ApiObject> T replace(T object) {
        Kind<T> kind = Kind.of(object);
        return object(kind, send(request(path(kind, object.name())).header("Content-Type", JSON)
                .PUT(HttpRequest.BodyPublishers.ofString(Codec.toJson(object))).build()));
    }

    /** {@code DELETE /api/v1/{kind}/{name}}: returns the deleted object. */
    public <T extends ApiObject> T delete(Kind<T> kind, String name) {
        return object(kind, send(request(path(kind, name)).DELETE().build()));
    }

    /**
     * {@code POST /api/v1/apply} of a body of documents (YAML or JSON): all applied, or none when
     * one is bad.
     *
     * @param body the documents
     * @param contentType {@code application/yaml} or {@code application/json}
     */
    public List<ApplyResult> apply(String body, String contentType) {
        JsonNode tree = tree(send(request("/api/v1/apply").header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()));
        List<ApplyResult> results = new ArrayList<>();
        for (JsonNode r : tree.path("results")) {
            results.add(new ApplyResult(r.path("kind").asText(), r.path("name").asText(), r.path("action").asText()));
        }
        return List.copyOf(results);
    }

    /** {@code GET /api/v1/join-tokens}: the current join tokens and where to join. */
    public JoinTokensInfo joinTokens() {
        return read(send(request("/api/v1/join-tokens").GET().build()), JoinTokensInfo.class);
    }

    /**
     * {@code POST /api/v1/join-tokens/{role}/rotate}: a new secret for {@code role} (the old token
     * stops working at once); returns the tokens after.
     */
    public JoinTokensInfo rotateJoinToken(String role) {
        return read(send(request("/api/v1/join-tokens/" + encode(role) + "/rotate")
                .POST(HttpRequest.BodyPublishers.noBody()).build()), JoinTokensInfo.class);
    }

    /**
     * Watches {@code kind} and hands every event to {@code handler}, blocking until the manager
     * ends the stream or the thread is interrupted.
     *
     * @param resourceVersion start after this revision (a list's), or 0 for ADDED of every object
     *     first
     * @throws ApiException when the stream reports an error (410: the revision was compacted)
     */
    public <T extends ApiObject> void watch(Kind<T> kind, long resourceVersion, Optional<String> labelSelector,
            Consumer<WatchEvent<T>> handler) {
        StringBuilder query = new StringBuilder("?watch=true");
        if (resourceVersion > 0) {
            query.append("&resourceVersion=").append(resourceVersion);
        }
        labelSelector.filter(s -> !s.isBlank()).ifPresent(s -> query.append("&labelSelector=").append(encode(s)));
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path(kind) + query)).GET().build();
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw transportError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (response.statusCode() / 100 != 2) {
            String body = String.join("\n", response.body().toList());
            throw error(response.statusCode(), body);
        }
        try (Stream<String> lines = response.body()) {
            Iterator<String> it = lines.iterator();
            while (it.hasNext() && !Thread.currentThread().isInterrupted()) {
                String line = it.next();
                if (line.isBlank()) {
                    continue;
                }
                JsonNode event = parse(line);
                String type = event.path("type").asText();
                if (type.equals("ERROR")) {
                    JsonNode o = event.path("object");
                    throw new ApiException(o.path("code").asInt(500), o.path("reason").asText(""),
                            "watch ended: " + o.path("message").asText("unknown error"), o.path("field").asText(""));
                }
                handler.accept(new WatchEvent<>(type, Codec.bind(event.path("object"), kind.type())));
            }
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof InterruptedIOException) {
                return;
            }
            throw transportError(e.getCause());
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT).header("Accept", JSON);
    }

    private static String path(Kind<?> kind) {
        return "/api/v1/" + kind.plural();
    }

    private static String path(Kind<?> kind, String name) {
        return path(kind) + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw transportError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiException.UNREACHABLE, "Interrupted", "interrupted", "");
        }
        if (response.statusCode() / 100 != 2) {
            throw error(response.statusCode(), response.body());
        }
        return response;
    }

    private ApiException transportError(IOException e) {
        if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                || e.getCause() instanceof ConnectException) {
            return new ApiException(ApiException.UNREACHABLE, "Unreachable", "cannot reach the Berth manager at "
                    + base + ": is it running? (berth init)", "");
        }
        if (e instanceof HttpTimeoutException) {
            return new ApiException(ApiException.UNREACHABLE, "Timeout", "the Berth manager at " + base
                    + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + "s", "");
        }
        return new ApiException(ApiException.UNREACHABLE, "Unreachable", "connection to the Berth manager at "
                + base + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), "");
    }

    /** Maps an error answer to an exception carrying the API's message. */
    static ApiException error(int status, String body) {
        try {
            JsonNode node = Codec.json().readTree(body);
            if (node != null && node.hasNonNull("message")) {
                return new ApiException(node.path("code").asInt(status), node.path("reason").asText(""),
                        node.path("message").asText(), node.path("field").asText(""));
            }
        } catch (JsonProcessingException e) {
            // not JSON: fall through and show the status and the start of the body
        }
        String text = body == null ? "" : body.strip();
        int nl = text.indexOf('\n');
        if (nl >= 0) {
            text = text.substring(0, nl);
        }
        return new ApiException(status, "", "the manager answered HTTP " + status + (text.isEmpty() ? "" : ": " + text),
                "");
    }

    private static JsonNode tree(HttpResponse<String> response) {
        return parse(response.body());
    }

    private static JsonNode parse(String text) {
        try {
            return Codec.json().readTree(text);
        } catch (JsonProcessingException e) {
            throw new ApiException(500, "BadResponse", "the manager answered something that is not JSON: "
                    + e.getOriginalMessage(), "");
        }
    }

    private static <T> T read(HttpResponse<String> response, Class<T> type) {
        try {
            // Lenient on purpose: newer managers may add fields to info.
            return Codec.json().copy()
                    .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .readValue(response.body(), type);
        } catch (JsonProcessingException e) {
            throw new ApiException(500, "BadResponse", "unexpected answer from the manager: " + e.getOriginalMessage(),
                    "");
        }
    }

    private static <T extends ApiObject> T object(Kind<T> kind, HttpResponse<String> response) {
        try {
            return Codec.bind(parse(response.body()), kind.type());
        } catch (DecodeException e) {
            throw new ApiException(500, "BadResponse", "unexpected " + kind.singular() + " from the manager: "
                    + e.getMessage(), "");
        }
    }

    // ---- rollouts (berth rollout, service rollback) -----------------------------------------

    /**
     * {@code POST /api/v1/services/{name}/rollback}: back to the revision before the current one,
     * or to {@code toRevision}; returns the service as stored (its {@code status.revision} is the
     * new revision). 404 for no such service or revision, 409 when there is no earlier revision.
     */
    public dev.berth.api.Service rollback(String name, Optional<Long> toRevision) {
        String body = toRevision.map(n -> "{\"toRevision\":" + n + "}").orElse("{}");
        return serviceAction(name, "rollback", body);
    }

    /** {@code POST /api/v1/services/{name}/pause}: pauses the running rollout (409 when none runs). */
    public dev.berth.api.Service pause(String name) {
        return serviceAction(name, "pause", "{}");
    }

    /** {@code POST /api/v1/services/{name}/resume}: resumes a paused rollout (409 when not paused). */
    public dev.berth.api.Service resume(String name) {
        return serviceAction(name, "resume", "{}");
    }

    private dev.berth.api.Service serviceAction(String name, String action, String body) {
        return object(Kind.SERVICE, send(request(path(Kind.SERVICE, name) + "/" + action)
                .header("Content-Type", JSON).POST(HttpRequest.BodyPublishers.ofString(body)).build()));
    }

    // ---- node lifecycle (berth node rm) -----------------------------------------------------

    /**
     * {@code DELETE /api/v1/nodes/{id}}, with {@code ?force=true} when {@code force}: removes a
     * node and returns it. The manager refuses (409) a manager node, and without force a node
     * that is up or still has tasks meant to run.
     */
    public dev.berth.api.Node deleteNode(String id, boolean force) {
        return object(Kind.NODE, send(request(path(Kind.NODE, id) + (force ? "?force=true" : "")).DELETE().build()));
    }
}
