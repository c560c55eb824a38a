package dev.berth.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension that gives tests a <b>real Docker engine</b>: the one answering on
 * {@code /var/run/docker.sock} when there is one, else a private {@code dockerd} this JVM starts
 * (own {@code --data-root}, {@code --exec-root}, {@code --pidfile}, on
 * {@code unix:///run/berth-test-docker.sock}) and stops when its tests end. A private engine
 * another test JVM started is reused (and left to it).
 *
 * <pre>{@code
 * @ExtendWith(DockerExtension.class)
 * class DockerExecutorIT {
 *     @Test
 *     void runs(DockerTestEnv docker) {
 *         String image = docker.busyboxImage();               // berth-test/busybox:1, built once
 *         try (DockerExecutor executor = new DockerExecutor(docker.host())) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p>The engine may be shared with other tests and people: remove only the containers you
 * created (e.g. by a label of yours, {@link DockerTestEnv#removeContainers(String)}). Needs
 * {@code dockerd} and the {@code docker} CLI on the PATH, and root for a private engine.
 */
public final class DockerExtension implements ParameterResolver {

    /** The engine most machines run. */
    public static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");
    /** Where a private test engine listens. */
    public static final Path PRIVATE_SOCKET = Path.of("/run/berth-test-docker.sock");

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DockerExtension.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == DockerTestEnv.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return extensionContext.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedDocker.class, k -> SharedDocker.start(), SharedDocker.class).env;
    }

    /** Whether an engine answers {@code GET /_ping} on the unix socket {@code socket}. */
    public static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(512);
            StringBuilder response = new StringBuilder();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline && ch.read(buf) >= 0) {
                buf.flip();
                response.append(StandardCharsets.US_ASCII.decode(buf));
                buf.clear();
            }
            return response.toString().startsWith("HTTP/1.") && response.toString().contains(" 200 ")
                    && response.toString().endsWith("OK");
        } catch (IOException e) {
            return false;
        }
    }

    /** The engine of this JVM's tests; stops it when the tests end if this JVM started it. */
    private static final class SharedDocker implements AutoCloseable {
        private static final Logger LOG = LogManager.getLogger(DockerExtension.class);
        private final DockerTestEnv env;
        private final Process dockerd;

        private SharedDocker(DockerTestEnv env, Process dockerd) {
            this.env = env;
            this.dockerd = dockerd;
        }

        static SharedDocker start() {
            for (Path socket : List.of(DEFAULT_SOCKET, PRIVATE_SOCKET)) {
                if (answers(socket)) {
                    LOG.info("tests use the Docker engine at {}", socket);
                    return new SharedDocker(new DockerTestEnv("unix://" + socket), null);
                }
            }
            Path base = Path.of("/var/lib/berth-test-docker");
            Path exec = Path.of("/run/berth-test-docker-exec");
            Path log = Path.of(System.getProperty("java.io.tmpdir"), "berth-test-dockerd.log");
            Process p;
            try {
                Files.createDirectories(base);
                Files.createDirectories(exec);
                p = new ProcessBuilder("dockerd", "--data-root", base.toString(), "--exec-root", exec.toString(),
                        "--pidfile", "/run/berth-test-docker.pid", "-H", "unix://" + PRIVATE_SOCKET)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start dockerd for the tests (is docker.io installed?)", e);
            }
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            while (!answers(PRIVATE_SOCKET)) {
                if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                    p.destroy();
                    throw new IllegalStateException("the test dockerd did not answer on " + PRIVATE_SOCKET + " within "
                            + START_TIMEOUT.toSeconds() + "s; see " + log);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    p.destroy();
                    throw new IllegalStateException("interrupted while starting dockerd", e);
                }
            }
            LOG.info("started a private dockerd (pid {}) on {}; log in {}", p.pid(), PRIVATE_SOCKET, log);
            return new SharedDocker(new DockerTestEnv("unix://" + PRIVATE_SOCKET), p);
        }

        @Override
        public void close() {
            if (dockerd == null) {
                return;
            }
            dockerd.destroy(); // SIGTERM: dockerd stops its containers and containerd
            try {
                if (!dockerd.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    dockerd.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                dockerd.destroyForcibly();
            }
            LOG.info("stopped the private dockerd");
        }
    }
}
