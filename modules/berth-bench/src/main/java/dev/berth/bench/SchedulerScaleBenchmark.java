package dev.berth.bench;

import dev.berth.api.Kind;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.codec.Codec;
import dev.berth.manager.Manager;
import dev.berth.manager.ManagerConfig;
import dev.berth.store.WatchEvent;
import dev.berth.store.WatchListener;
import dev.berth.store.etcd.EtcdStore;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The control plane's scale benchmark (issue 2): a real manager with its embedded etcd, N nodes
 * registered through the API, one service of R replicas created through the API; it prints the
 * seconds from the create until every task is ASSIGNED in etcd, and placements per second.
 *
 * <p>Each run starts a fresh manager and etcd in a temporary state directory. The figure covers
 * the whole path: service controller creating R tasks, the scheduler planning and writing them,
 * etcd's commits, as seen by an etcd watch.
 *
 * <pre>bin/berth-bench scheduler [--nodes 200] [--replicas 10000] [--runs 3]</pre>
 */
public final class SchedulerScaleBenchmark {

    private final int nodes;
    private final int replicas;
    private final int runs;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newHttpClient();

    SchedulerScaleBenchmark(int nodes, int replicas, int runs, PrintStream out) {
        this.nodes = nodes;
        this.replicas = replicas;
        this.runs = runs;
        this.out = out;
    }

    /** One run's figures. */
    record Result(double secondsToAllAssigned, double secondsToFirstAssigned, double createMillis) {
        double placementsPerSecond(int replicas) {
            return replicas / secondsToAllAssigned;
        }
    }

    void runAll() throws Exception {
        out.printf(Locale.ROOT, "scheduler scale benchmark: %d replicas on %d registered nodes, %d runs, %d CPUs%n",
                replicas, nodes, runs, Runtime.getRuntime().availableProcessors());
        List<Result> results = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            Result r = runOnce();
            results.add(r);
            out.printf(Locale.ROOT, "run %d: all %d ASSIGNED in %.2f s (%.0f placements/s); first after %.3f s;"
                    + " create call %.0f ms%n", i, replicas, r.secondsToAllAssigned(), r.placementsPerSecond(replicas),
                    r.secondsToFirstAssigned(), r.createMillis());
        }
        Result median = results.stream().sorted(Comparator.comparingDouble(Result::secondsToAllAssigned))
                .toList().get(results.size() / 2);
        out.printf(Locale.ROOT, "median: %.2f s to all ASSIGNED, %.0f placements/s (target: >= 4000/s)%n",
                median.secondsToAllAssigned(), median.placementsPerSecond(replicas));
    }

    private Result runOnce() throws Exception {
        Path stateDir = Files.createTempDirectory("berth-bench-");
        int clientPort = freePort();
        int peerPort = freePort();
        ManagerConfig config = ManagerConfig.defaults()
                .withStateDir(stateDir)
                .withEtcdPorts(clientPort, peerPort)
                .withListen("127.0.0.1", 0)
                .withClusterListen("127.0.0.1", 0);
        try (Manager manager = new Manager(config).start();
                EtcdStore store = EtcdStore.connect(List.of("http://127.0.0.1:" + clientPort), "")) {
            String api = "http://127.0.0.1:" + manager.apiPort() + "/api/v1";
            awaitLeader(manager);
            for (int i = 0; i < nodes; i++) {
                post(api + "/nodes/register", String.format(Locale.ROOT,
                        "{\"hostname\":\"hollow-%03d\",\"address\":\"127.0.%d.%d\",\"role\":\"worker\","
                                + "\"cpus\":64,\"memory\":\"256Gi\",\"engineVersion\":\"hollow\"}",
                        i, i / 250, i % 250 + 1), 201);
            }
            // Watch tasks in etcd from now on; count each task id once when it is ASSIGNED.
            Set<String> assigned = ConcurrentHashMap.newKeySet();
            AtomicLong firstAssignedNanos = new AtomicLong();
            CountDownLatch done = new CountDownLatch(1);
            long from = store.currentRevision();
            try (var watch = store.watch(Kind.TASK, from, new WatchListener<Task>() {
                @Override
                public void onEvents(List<WatchEvent<Task>> events) {
                    for (WatchEvent<Task> e : events) {
                        if (e.type() != WatchEvent.Type.DELETED && e.object().status().state() == TaskState.ASSIGNED
                                && assigned.add(e.object().id())) {
                            firstAssignedNanos.compareAndSet(0, System.nanoTime());
                            if (assigned.size() >= replicas) {
                                done.countDown();
                            }
                        }
                    }
                }

                @Override
                public void onCompacted(long compactRevision) {
                    throw new IllegalStateException("benchmark watch compacted at " + compactRevision);
                }

                @Override
                public void onError(Throwable error) {
                    error.printStackTrace(out);
                }
            })) {
                Service service = Service.of(ObjectMeta.named("bench"), ServiceSpec.ofImage("bench/sleep:1")
                        .withReplicas(replicas));
                long start = System.nanoTime();
                post(api + "/services", Codec.toJson(service), 201);
                long created = System.nanoTime();
                if (!done.await(10, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("only " + assigned.size() + " of " + replicas
                            + " tasks ASSIGNED after 10 minutes");
                }
                long end = System.nanoTime();
                return new Result((end - start) / 1e9, (firstAssignedNanos.get() - start) / 1e9,
                        (created - start) / 1e6);
            }
        } finally {
            deleteTree(stateDir);
        }
    }

    private void awaitLeader(Manager manager) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!manager.isLeader()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the manager did not become leader within 30 s");
            }
            Thread.sleep(20);
        }
    }

    private void post(String url, String json, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException("POST " + url + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
