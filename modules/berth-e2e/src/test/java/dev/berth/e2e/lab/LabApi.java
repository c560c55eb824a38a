package dev.berth.e2e.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Map;

/**
 * Reads the lab manager's API from the host (the tests assert on what the CLI prints, and on this
 * for what a table does not show, such as which node a task runs on).
 */
final class LabApi {

    /** A task as the tests look at it. */
    record TaskView(String id, String service, int slot, String nodeId, String state, String desired,
            String address, String image) {
        /**
         * Running and meant to: a task on a node that went down keeps the state its agent last
         * reported (as in Swarm's {@code service ps}) while the manager wants it shut down.
         */
        boolean running() {
            return "RUNNING".equals(state) && "RUNNING".equals(desired);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    LabApi(String base) {
        this.base = base;
    }

    JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Node ids by host name. */
    Map<String, String> nodeIds() {
        Map<String, String> ids = new HashMap<>();
        for (JsonNode n : get("/api/v1/nodes").path("items")) {
            ids.put(n.path("status").path("hostname").asText(),
                    n.path("metadata").path("name").asText());
        }
        return ids;
    }

    /** Each node's state ("ready", "down", …) by node id. */
    Map<String, String> nodeStates() {
        Map<String, String> states = new HashMap<>();
        for (JsonNode n : get("/api/v1/nodes").path("items")) {
            states.put(n.path("metadata").path("name").asText(), n.path("status").path("state").asText());
        }
        return states;
    }

    /** How many nodes are ready. */
    long readyNodes() {
        return nodeStates().values().stream().filter("ready"::equals).count();
    }

    List<TaskView> tasks(String service) {
        String selector = URLEncoder.encode("berth.service=" + service, StandardCharsets.UTF_8);
        List<TaskView> out = new ArrayList<>();
        for (JsonNode t : get("/api/v1/tasks?labelSelector=" + selector).path("items")) {
            out.add(new TaskView(t.path("metadata").path("name").asText(), t.path("spec").path("serviceName").asText(),
                    t.path("spec").path("slot").asInt(), t.path("spec").path("nodeId").asText(),
                    t.path("status").path("state").asText(), t.path("spec").path("desiredState").asText(),
                    t.path("status").path("address").asText(""),
                    t.path("spec").path("template").path("image").asText("")));
        }
        return out;
    }

    /** The service's Endpoints object (virtual IP, ports, addresses), if the controller made it. */
    java.util.Optional<JsonNode> endpoints(String service) {
        for (JsonNode e : get("/api/v1/endpoints").path("items")) {
            if (e.path("metadata").path("name").asText().equals(service)) {
                return java.util.Optional.of(e);
            }
        }
        return java.util.Optional.empty();
    }

    /** Running tasks of {@code service} per node id. */
    Map<String, Integer> runningPerNode(String service) {
        Map<String, Integer> counts = new HashMap<>();
        for (TaskView t : tasks(service)) {
            if (t.running()) {
                counts.merge(t.nodeId(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
