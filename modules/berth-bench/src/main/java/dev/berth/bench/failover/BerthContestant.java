package dev.berth.bench.failover;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.codec.Codec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Berth on the lab, through the manager's HTTP API: nodes from {@code /api/v1/nodes} (their
 * {@code status.state}), tasks from {@code /api/v1/tasks} by the service label. A task counts as a
 * replica while its desired state is at most RUNNING (what the service controller still wants).
 */
public final class BerthContestant implements Contestant {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI api;
    private final String image;

    /** @param apiUrl the manager's API, {@code http://10.99.0.11:4243} in the lab */
    public BerthContestant(String apiUrl, String image) {
        this.api = URI.create(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
        this.image = image;
    }

    @Override
    public String name() {
        return "berth";
    }

    @Override
    public void createService(String service, int replicas) throws IOException, InterruptedException {
        Service s = Service.of(ObjectMeta.named(service), ServiceSpec.ofImage(image).withReplicas(replicas));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve("api/v1/services"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(Codec.toJson(s))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IOException("creating service " + service + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    @Override
    public void removeService(String service) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve("api/v1/services/" + service))
                .timeout(Duration.ofSeconds(10)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 && r.statusCode() != 404) {
            throw new IOException("removing service " + service + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    @Override
    public ClusterView view(String service) throws IOException, InterruptedException {
        Map<String, Integer> indexById = new HashMap<>();
        Map<Integer, ClusterView.NodeCondition> nodes = new HashMap<>();
        for (JsonNode n : get("api/v1/nodes").path("items")) {
            int index = Contestant.labIndex(n.path("status").path("address").asText(""));
            indexById.put(n.path("metadata").path("name").asText(""), index);
            if (index > 0) {
                nodes.put(index, condition(n.path("status").path("state").asText("")));
            }
        }
        List<ClusterView.TaskView> tasks = new ArrayList<>();
        String selector = URLEncoder.encode(Task.SERVICE_LABEL + "=" + service, StandardCharsets.UTF_8);
        for (JsonNode t : get("api/v1/tasks?labelSelector=" + selector).path("items")) {
            TaskState desired = state(t.path("spec").path("desiredState").asText(""));
            TaskState state = state(t.path("status").path("state").asText(""));
            tasks.add(new ClusterView.TaskView(indexById.getOrDefault(t.path("spec").path("nodeId").asText(""), 0),
                    desired.ordinal() <= TaskState.RUNNING.ordinal(), state == TaskState.RUNNING));
        }
        return new ClusterView(nodes, tasks);
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(5))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return Codec.json().readTree(r.body());
    }

    /** The wire form's case is not relied upon ({@code ready}, {@code RUNNING}). */
    static ClusterView.NodeCondition condition(String state) {
        switch (state.toLowerCase(Locale.ROOT)) {
            case "ready":
                return ClusterView.NodeCondition.READY;
            case "down":
                return ClusterView.NodeCondition.DOWN;
            default:
                return ClusterView.NodeCondition.OTHER;
        }
    }

    private static TaskState state(String s) {
        try {
            return TaskState.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            // an unknown state is treated as not running and not wanted: it cannot fake progress
            return TaskState.REMOVE;
        }
    }
}
