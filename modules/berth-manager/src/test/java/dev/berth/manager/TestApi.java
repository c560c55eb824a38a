package dev.berth.manager;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.codec.Codec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;

/**
 * A small client of the manager's HTTP API for tests, on {@link HttpClient}; public for the
 * tests of other packages of the manager ({@code dev.berth.manager.api.RolloutApiServer}).
 */
public final class TestApi {

    public static final String YAML = "application/yaml";
    public static final String JSON = "application/json";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public TestApi(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A response with its status and body. */
    public record Response(int status, String contentType, String body) {
        public JsonNode json() {
            try {
                return Codec.json().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    public Response post(String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response put(String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response method(String method, String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", JSON)
                .method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    /** An open watch stream; its lines arrive in {@link #lines}. */
    static final class WatchStream implements AutoCloseable {
        final int status;
        final String contentType;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Stream<String> stream;
        private final Thread reader;
        volatile boolean ended;

        WatchStream(HttpResponse<Stream<String>> response) {
            this.status = response.statusCode();
            this.contentType = response.headers().firstValue("Content-Type").orElse("");
            this.stream = response.body();
            this.reader = new Thread(() -> {
                try {
                    stream.forEach(lines::add);
                } catch (RuntimeException e) {
                    // the stream was closed by the test
                } finally {
                    ended = true;
                }
            }, "test-watch-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next line as JSON, waiting up to 10 s; fails when none comes. */
        JsonNode next() {
            try {
                String line = lines.poll(10, java.util.concurrent.TimeUnit.SECONDS);
                if (line == null) {
                    throw new AssertionError("no watch line within 10s");
                }
                return Codec.json().readTree(line);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The next line if one comes within {@code millis}. */
        String poll(long millis) throws InterruptedException {
            return lines.poll(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            stream.close();
        }
    }

    /** Opens {@code path} (with {@code watch=true}) and returns once the headers arrived. */
    WatchStream watch(String path) {
        try {
            HttpResponse<Stream<String>> response = http.sendAsync(HttpRequest.newBuilder(uri(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofLines()).get(10, java.util.concurrent.TimeUnit.SECONDS);
            return new WatchStream(response);
        } catch (Exception e) {
            throw new AssertionError("watch " + path + " failed", e);
        }
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
