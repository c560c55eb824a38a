package dev.berth.bench.startup;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.codec.Codec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Berth, through its HTTP API (what {@code berth service create} calls): one service with N
 * replicas, followed until their status is RUNNING; the manager and its local agent run on the
 * benchmark's engine ({@code berth init}, started by the script). The tasks are followed through
 * the API's watch stream (opened before the create, so no change is missed; a change is seen
 * when it happens), or polled every {@link Polls#INTERVAL} as Swarm's are: ten listings of N
 * tasks a second cost the manager CPU the engine then lacks, a few percent of the run.
 */
public final class BerthContender implements Contender {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI api;
    private final DockerClient docker;
    private final String image;
    private final boolean watch;

    /**
     * @param apiUrl the manager's API, e.g. {@code http://127.0.0.1:4243}
     * @param watch whether to follow the tasks through the watch stream (else: polls)
     */
    public BerthContender(String apiUrl, DockerClient docker, String image, boolean watch) {
        this.api = URI.create(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
        this.docker = docker;
        this.image = image;
        this.watch = watch;
    }

    @Override
    public String name() {
        return "berth";
    }

    @Override
    public Timing start(String name, int replicas, Duration timeout) throws Exception {
        Service service = Service.of(ObjectMeta.named(name), ServiceSpec.ofImage(image).withReplicas(replicas));
        HttpRequest create = HttpRequest.newBuilder(api.resolve("api/v1/services"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Codec.toJson(service))).build();
        String selector = URLEncoder.encode(Task.SERVICE_LABEL + "=" + name, StandardCharsets.UTF_8);
        if (watch) {
            return watched(name, replicas, create, api.resolve("api/v1/tasks?watch=true&labelSelector=" + selector),
                    timeout);
        }
        long t0 = System.nanoTime();
        HttpResponse<String> created = http.send(create, HttpResponse.BodyHandlers.ofString());
        double createdAt = Polls.since(t0);
        if (created.statusCode() != 201) {
            throw new IOException("creating service " + name + ": HTTP " + created.statusCode() + " " + created.body());
        }
        URI tasks = api.resolve("api/v1/tasks?labelSelector=" + selector);
        return Polls.untilRunning("berth service " + name, t0, createdAt, replicas, () -> running(tasks), timeout);
    }

    /** Creates the service with a watch of its tasks open, and times it from the watch's events. */
    private Timing watched(String name, int replicas, HttpRequest create, URI watchUri, Duration timeout)
            throws Exception {
        HttpResponse<java.util.stream.Stream<String>> stream = http.send(HttpRequest.newBuilder(watchUri).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        if (stream.statusCode() != 200) {
            throw new IOException("watching tasks: HTTP " + stream.statusCode());
        }
        java.util.concurrent.CompletableFuture<Double> first = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Double> all = new java.util.concurrent.CompletableFuture<>();
        long[] t0 = {0};
        java.util.concurrent.CountDownLatch created = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> {
            java.util.Set<String> running = new java.util.HashSet<>();
            try {
                stream.body().forEach(line -> {
                    if (line.isBlank()) {
                        return;
                    }
                    try {
                        JsonNode event = Codec.json().readTree(line);
                        JsonNode task = event.path("object");
                        String id = task.path("metadata").path("name").asText();
                        boolean isRunning = !"DELETED".equals(event.path("type").asText())
                                && task.path("status").path("state").asText("").toUpperCase(Locale.ROOT)
                                        .equals(TaskState.RUNNING.name());
                        if (isRunning ? running.add(id) : running.remove(id)) {
                            created.await();
                            if (!running.isEmpty()) {
                                first.complete(Polls.since(t0[0]));
                            }
                            if (running.size() >= replicas) {
                                all.complete(Polls.since(t0[0]));
                            }
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                });
                all.completeExceptionally(new IOException("the watch of " + name + "'s tasks ended"));
            } catch (RuntimeException e) {
                all.completeExceptionally(e);
            }
        }, "berth-watch-" + name);
        reader.setDaemon(true);
        reader.start();
        try {
            t0[0] = System.nanoTime();
            HttpResponse<String> response = http.send(create, HttpResponse.BodyHandlers.ofString());
            double createdAt = Polls.since(t0[0]);
            created.countDown();
            if (response.statusCode() != 201) {
                throw new IOException("creating service " + name + ": HTTP " + response.statusCode() + " "
                        + response.body());
            }
            double allAt;
            try {
                allAt = all.get(timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new java.util.concurrent.TimeoutException("berth service " + name + ": not all " + replicas
                        + " running after " + timeout.toSeconds() + "s");
            }
            return new Timing(createdAt, first.getNow(allAt), allAt);
        } finally {
            stream.body().close();
        }
    }

    /** Tasks of the listing whose status is RUNNING (the wire form's case is not relied upon). */
    private int running(URI tasks) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(tasks).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("listing tasks: HTTP " + r.statusCode() + " " + r.body());
            }
            int n = 0;
            for (JsonNode t : Codec.json().readTree(r.body()).path("items")) {
                if (t.path("status").path("state").asText("").toUpperCase(Locale.ROOT).equals(TaskState.RUNNING.name())) {
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void remove(String name, Duration timeout) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve("api/v1/services/" + name)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 && r.statusCode() != 404) {
            throw new IOException("removing service " + name + ": HTTP " + r.statusCode() + " " + r.body());
        }
        Polls.untilNoContainers(docker, name, timeout);
    }
}
