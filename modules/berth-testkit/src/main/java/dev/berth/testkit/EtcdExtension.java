package dev.berth.testkit;

import dev.berth.store.etcd.EtcdLaunchConfig;
import dev.berth.store.etcd.EtcdLauncher;
import dev.berth.store.etcd.EtcdStore;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension that runs <b>one real etcd per test JVM</b> (started with
 * {@link EtcdLauncher} on free loopback ports and a temporary data directory, kept in the root
 * extension context's store so that JUnit stops it and deletes the directory when the JVM's
 * tests end) and injects an {@link EtcdTestEnv} with a fresh key prefix
 * for every test method.
 *
 * <pre>{@code
 * @ExtendWith(EtcdExtension.class)
 * class ServiceStoreIT {
 *     @Test
 *     void createsAService(EtcdTestEnv etcd) {
 *         EtcdStore store = etcd.newStore();          // keys under etcd.prefix(), closed after
 *         Service s = store.create(Service.of(ObjectMeta.named("web"), ServiceSpec.ofImage("nginx")));
 *         assertThat(store.get(Kind.SERVICE, "web")).contains(s);
 *     }
 * }
 * }</pre>
 *
 * <p>An {@link EtcdTestEnv} parameter of a test method (or of a {@code @BeforeEach}/{@code @AfterEach}
 * method of the same test) is the same object for the whole test; one injected into a
 * constructor or {@code @BeforeAll} method lives as long as the test class. Needs
 * {@code etcd} on the PATH (Debian: {@code etcd-server}).
 */
public final class EtcdExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EtcdExtension.class);
    private static final AtomicLong PREFIXES = new AtomicLong();

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EtcdTestEnv.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        SharedEtcd etcd = extensionContext.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedEtcd.class, k -> SharedEtcd.start(), SharedEtcd.class);
        return extensionContext.getStore(NAMESPACE).getOrComputeIfAbsent(EtcdTestEnv.class,
                k -> new ClosingEnv(new EtcdTestEnv(List.of(etcd.launcher.endpoint()), etcd.client,
                        "/test-" + ProcessHandle.current().pid() + "-" + PREFIXES.incrementAndGet())),
                ClosingEnv.class).env;
    }

    /**
     * Closes a test's env when its extension context ends. JUnit 5.13+ closes {@link AutoCloseable}
     * store values (its {@code CloseableResource} is deprecated).
     */
    private record ClosingEnv(EtcdTestEnv env) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            env.close();
        }
    }

    /** The one etcd of this JVM and a client to it. */
    private static final class SharedEtcd implements AutoCloseable {
        private static final Logger LOG = LogManager.getLogger(EtcdExtension.class);
        private final EtcdLauncher launcher;
        private final Client client;
        private final Path dataDir;

        private SharedEtcd(EtcdLauncher launcher, Client client, Path dataDir) {
            this.launcher = launcher;
            this.client = client;
            this.dataDir = dataDir;
        }

        static SharedEtcd start() {
            Path dir;
            try {
                dir = Files.createTempDirectory("berth-test-etcd");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EtcdLauncher launcher = new EtcdLauncher(
                    EtcdLaunchConfig.of(dir.resolve("data"), "test", freePort(), freePort()));
            String endpoint = launcher.start();
            LOG.info("test etcd running at {} with data in {}", endpoint, dir);
            Client client = EtcdStore.newClient(List.of(endpoint));
            return new SharedEtcd(launcher, client, dir);
        }

        @Override
        public void close() {
            client.close();
            launcher.close();
            deleteRecursively(dataDir);
        }
    }

    /** A loopback TCP port that was free a moment ago. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory tree, ignoring what is already gone. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Best effort: a leftover temp file must not fail the build.
                }
            });
        } catch (IOException e) {
            // As above.
        }
    }
}
