package dev.berth.manager.api;

import dev.berth.api.Kind;
import dev.berth.api.Service;
import dev.berth.api.ServiceRevision;
import dev.berth.manager.TestApi;
import dev.berth.manager.TestApi.Response;
import dev.berth.store.ObjectStore;
import dev.berth.testkit.EtcdTestEnv;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * An {@link ApiServer} on the test's etcd prefix with no controllers (so only the test writes),
 * and a {@link TestApi} client to it; closed with the test's {@link EtcdTestEnv}. The rollout tests
 * drive the API over HTTP and read what it stored straight from the store.
 */
final class RolloutApiServer implements AutoCloseable {

    static final String YAML = TestApi.YAML;
    static final String JSON = TestApi.JSON;

    private final EtcdTestEnv env;
    private final ObjectStore store;
    private final Vertx vertx;
    private final ApiServer server;
    private final TestApi http;

    private RolloutApiServer(EtcdTestEnv env) {
        this.env = env;
        this.store = env.newStore();
        this.vertx = Vertx.vertx();
        this.server = new ApiServer(vertx, store, Clock.systemUTC(), new ClusterInfo() {
            @Override
            public String clusterId() {
                return "bt-h7-cluster";
            }

            @Override
            public String managerNodeId() {
                return "bt-h7-manager";
            }

            @Override
            public Optional<String> leader() {
                return Optional.empty();
            }
        }, 1024 * 1024);
        this.http = new TestApi(server.listen("127.0.0.1", 0));
    }

    /** Starts a server on {@code env}'s prefix; it is closed after the test. */
    static RolloutApiServer start(EtcdTestEnv env) {
        return env.register(new RolloutApiServer(env));
    }

    /** The store the server writes to. */
    ObjectStore store() {
        return store;
    }

    Response get(String path) {
        return http.get(path);
    }

    Response delete(String path) {
        return http.delete(path);
    }

    Response post(String path, String body, String contentType) {
        return http.post(path, body, contentType);
    }

    Response put(String path, String body, String contentType) {
        return http.put(path, body, contentType);
    }

    /** The service as stored (read from the store, not through the API). */
    Service service(String name) {
        return store.get(Kind.SERVICE, name).orElseThrow(() -> new AssertionError("no service " + name));
    }

    /** The stored revisions of service {@code name} (by the label), oldest first. */
    List<ServiceRevision> revisions(String name) {
        return store.list(Kind.SERVICE_REVISION).items().stream()
                .filter(r -> name.equals(r.metadata().labels().get("berth.service")))
                .sorted(java.util.Comparator.comparingLong(ServiceRevision::revision))
                .toList();
    }

    /**
     * Every key under the test's prefix with its mod revision and value, read straight from etcd:
     * equal snapshots before and after a request mean it wrote nothing.
     */
    Map<String, String> snapshot() {
        try {
            ByteSequence prefix = ByteSequence.from(env.prefix() + "/", StandardCharsets.UTF_8);
            Map<String, String> out = new TreeMap<>();
            for (KeyValue kv : env.client().getKVClient()
                    .get(prefix, GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs()) {
                out.put(kv.getKey().toString(StandardCharsets.UTF_8),
                        kv.getModRevision() + " " + kv.getValue().toString(StandardCharsets.UTF_8));
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError("cannot read etcd", e);
        }
    }

    /** A service manifest in YAML; {@code extraSpec} lines are appended to the spec (two-space indent). */
    static String service(String name, String image, int replicas, String... extraSpec) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: berth.dev/v1
                kind: Service
                metadata:
                  name: %s
                spec:
                  image: %s
                  replicas: %d
                """.formatted(name, image, replicas));
        for (String line : extraSpec) {
            yaml.append("  ").append(line).append('\n');
        }
        return yaml.toString();
    }

    @Override
    public void close() throws Exception {
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
