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
 * replicas, its tasks polled until their status is RUNNING; the manager and its local agent run on
 * the benchmark's engine ({@code berth init}, started by the script).
 */
public final class BerthContender implements Contender {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI api;
    private final DockerClient docker;
    private final String image;

    /** @param apiUrl the manager's API, e.g. {@code http://127.0.0.1:4243} */
    public BerthContender(String apiUrl, DockerClient docker, String image) {
        this.api = URI.create(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
        this.docker = docker;
        this.image = image;
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
        long t0 = System.nanoTime();
        HttpResponse<String> created = http.send(create, HttpResponse.BodyHandlers.ofString());
        double createdAt = Polls.since(t0);
        if (created.statusCode() != 201) {
            throw new IOException("creating service " + name + ": HTTP " + created.statusCode() + " " + created.body());
        }
        URI tasks = api.resolve("api/v1/tasks?labelSelector="
                + URLEncoder.encode(Task.SERVICE_LABEL + "=" + name, StandardCharsets.UTF_8));
        return Polls.untilRunning("berth service " + name, t0, createdAt, replicas, () -> running(tasks), timeout);
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
