package dev.berth.bench.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import dev.berth.api.Durations;
import dev.berth.api.codec.Codec;
import dev.berth.bench.startup.BerthContender;
import dev.berth.bench.startup.Polls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Berth, through its HTTP API, as {@code berth apply -f} and {@code berth get service -o json} call
 * it: a Service manifest with the plan's replicas, {@code init: true} and its update config is
 * applied ({@code POST /api/v1/apply}) and the service polled until {@code status.running} counts
 * every replica; then the same manifest with the new image is applied and the service polled until
 * the rollout of the new revision is {@code completed} ({@code status.update.revision ==
 * status.revision}, the contract's test, which also rules out the previous rollout's state), noting
 * when {@code status.updated} first counts every replica. The manager and its local agent run on
 * the benchmark's engine ({@code berth init}, started by the script).
 */
public final class BerthRollout implements Rollout {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String apiUrl;
    private final URI api;
    private final DockerClient docker;

    /** @param apiUrl the manager's API, e.g. {@code http://127.0.0.1:4243} */
    public BerthRollout(String apiUrl, DockerClient docker) {
        this.apiUrl = apiUrl;
        this.api = URI.create(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
        this.docker = docker;
    }

    @Override
    public String name() {
        return "berth";
    }

    /** The manifest {@code berth apply -f} is given: the plan's service running {@code image}. */
    static String manifest(String name, RolloutPlan plan, String image) {
        return """
                apiVersion: berth.dev/v1
                kind: Service
                metadata:
                  name: %s
                spec:
                  image: %s
                  replicas: %d
                  init: %b
                  update:
                    parallelism: %d
                    delay: 0s
                    failureAction: pause
                    monitor: %s
                    order: stop-first
                """.formatted(name, image, plan.replicas(), plan.init(), plan.parallelism(),
                Durations.format(plan.monitor()));
    }

    @Override
    public RolloutTiming run(String name, RolloutPlan plan, Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        apply(manifest(name, plan, plan.oldImage()));
        while (service(name).path("status").path("running").asInt() < plan.replicas()) {
            check(t0, timeout, "berth service " + name + ": not all " + plan.replicas() + " replicas running");
            Thread.sleep(Polls.INTERVAL.toMillis());
        }
        double deployed = Polls.since(t0);

        long revisionBefore = service(name).path("status").path("revision").asLong();
        long t1 = System.nanoTime();
        apply(manifest(name, plan, plan.newImage()));
        // the apply's write set the generation the status must have caught up with before its
        // updated count means the new template
        long generation = service(name).path("metadata").path("generation").asLong();
        double allUpdated = -1;
        while (true) {
            JsonNode status = service(name).path("status");
            long revision = status.path("revision").asLong();
            JsonNode update = status.path("update");
            String state = update.path("state").asText("none").toLowerCase(Locale.ROOT);
            boolean current = revision > revisionBefore && update.path("revision").asLong() == revision;
            if (allUpdated < 0 && status.path("observedGeneration").asLong() >= generation
                    && status.path("updated").asInt() >= plan.replicas()) {
                allUpdated = Polls.since(t1);
            }
            if (current && state.equals("completed")) {
                double completed = Polls.since(t1);
                return new RolloutTiming(deployed, allUpdated < 0 ? completed : allUpdated, completed);
            }
            if (current && (state.contains("paused") || state.startsWith("rollback"))) {
                throw new IllegalStateException("berth service " + name + ": rollout " + state + ": "
                        + update.path("message").asText(""));
            }
            check(t1, timeout, "berth service " + name + ": rollout to revision " + revision + " is " + state
                    + " (for revision " + update.path("revision").asLong() + "), " + status.path("updated").asInt()
                    + " of " + plan.replicas() + " updated");
            Thread.sleep(Polls.INTERVAL.toMillis());
        }
    }

    private static void check(long t0, Duration timeout, String what) throws TimeoutException {
        if (Polls.since(t0) > timeout.toSeconds()) {
            throw new TimeoutException(what + " after " + timeout.toSeconds() + "s");
        }
    }

    /** {@code POST /api/v1/apply} of one YAML document, as {@code berth apply -f} sends it. */
    private void apply(String yaml) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve("api/v1/apply"))
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("apply: HTTP " + r.statusCode() + " " + r.body());
        }
    }

    /** {@code GET /api/v1/services/{name}} as a JSON tree: read by path, so that fields still to land do not break it. */
    private JsonNode service(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve("api/v1/services/" + name)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("reading service " + name + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return Codec.json().readTree(r.body());
    }

    @Override
    public void remove(String name, Duration timeout) throws Exception {
        new BerthContender(apiUrl, docker, "unused", false).remove(name, timeout); // removal goes by the service's name
    }
}
