package dev.berth.manager;

import static org.awaitility.Awaitility.await;

import dev.berth.testkit.EtcdTestEnv;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Managers on the test etcd, manifests and raw snapshots of a test's keys. */
final class TestSupport {

    private TestSupport() {
    }

    /** A config for a manager on the test's etcd and prefix, API on a free loopback port. */
    static ManagerConfig config(EtcdTestEnv env, Path stateDir) {
        return ManagerConfig.defaults()
                .withStateDir(stateDir)
                .withExternalEtcd(env.endpoints(), env.prefix())
                .withListen("127.0.0.1", 0)
                .withClusterListen("127.0.0.1", 0)
                .withHostname("test-host")
                .withElectionTtl(Duration.ofSeconds(2));
    }

    /** Starts a manager that is closed after the test. */
    static Manager start(EtcdTestEnv env, ManagerConfig config) {
        return env.register(new Manager(config)).start();
    }

    /**
     * Starts a manager whose leader runs no controllers, so that nothing but the test writes
     * (resource versions and watch streams are then predictable); closed after the test.
     */
    static Manager startWithoutControllers(EtcdTestEnv env, ManagerConfig config) {
        return env.register(new Manager(config, java.time.Clock.systemUTC(), (store, clock) -> () -> { }))
                .start();
    }

    /** A service manifest in YAML. */
    static String service(String name, int replicas, String labels) {
        return """
                apiVersion: berth.dev/v1
                kind: Service
                metadata:
                  name: %s
                  labels: {%s}
                spec:
                  image: berth-examples/whoami:1
                  replicas: %d
                """.formatted(name, labels, replicas);
    }

    /**
     * Every key under the test's prefix with its value and mod revision, read straight from etcd
     * (not through the code under test).
     */
    static Map<String, String> snapshot(EtcdTestEnv env) {
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

    /** A snapshot taken once two reads 200 ms apart agree (background writers have settled). */
    static Map<String, String> stableSnapshot(EtcdTestEnv env) {
        AtomicReference<Map<String, String>> last = new AtomicReference<>(snapshot(env));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, String> now = snapshot(env);
            return now.equals(last.getAndSet(now));
        });
        return last.get();
    }
}
