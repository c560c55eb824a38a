package dev.berth.agent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.berth.api.HealthCheck;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's probes against real local servers. */
class ScheduledHealthProbesTest {

    private static final String LOOPBACK = "127.0.0.1";
    private final ScheduledHealthProbes probes = new ScheduledHealthProbes(Clock.systemUTC());

    @AfterEach
    void close() {
        probes.close();
    }

    private static HealthCheck tcp(int port, int retries) {
        return new HealthCheck(null, null, java.util.Optional.of(new HealthCheck.TcpProbe(port)),
                Duration.ofMillis(100), Duration.ofMillis(500), retries, null);
    }

    private static HealthCheck http(int port, String path) {
        return new HealthCheck(null, java.util.Optional.of(new HealthCheck.HttpGetProbe(path, port)), null,
                Duration.ofMillis(100), Duration.ofMillis(500), 2, null);
    }

    @Test
    void aListeningPortIsHealthyAndAClosedOneBecomesUnhealthy() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        int port;
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK))) {
            port = server.getLocalPort();
            assertThat(probes.probe(LOOPBACK, tcp(port, 2))).isTrue();
            try (AutoCloseable w = probes.watch(LOOPBACK, tcp(port, 2), java.time.Instant.now(), "starting",
                    seen::add)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("healthy"));
                server.close();
                await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("unhealthy"));
            }
        }
        assertThat(seen).containsExactly("healthy", "unhealthy");
        assertThat(probes.probe(LOOPBACK, tcp(port, 2))).isFalse();
    }

    @Test
    void httpIsHealthyOn2xxAnd3xxOnly() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        server.createContext("/ok", ex -> {
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.createContext("/moved", ex -> {
            ex.getResponseHeaders().add("Location", "/elsewhere");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/broken", ex -> {
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            assertThat(probes.probe(LOOPBACK, http(port, "/ok"))).isTrue();
            assertThat(probes.probe(LOOPBACK, http(port, "/moved"))).isTrue();
            assertThat(probes.probe(LOOPBACK, http(port, "/broken"))).isFalse();
            assertThat(probes.probe(LOOPBACK, http(port, "/nothing-here"))).isFalse();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aSlowAnswerIsAFailureAfterTheTimeout() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        server.createContext("/", ex -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        try {
            long start = System.nanoTime();
            assertThat(probes.probe(LOOPBACK, http(server.getAddress().getPort(), "/"))).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aClosedWatchProbesNoMore() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK))) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (var s = server.accept()) {
                        accepted.incrementAndGet();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            AutoCloseable w = probes.watch(LOOPBACK, tcp(server.getLocalPort(), 2), java.time.Instant.now(),
                    "starting", h -> { });
            await().atMost(Duration.ofSeconds(5)).until(() -> accepted.get() >= 2);
            w.close();
            Thread.sleep(200);
            int after = accepted.get();
            Thread.sleep(500);
            assertThat(accepted.get()).isEqualTo(after);
        }
    }
}
