package dev.berth.store.etcd;

import dev.berth.store.Backoff;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The supervisor of the embedded etcd member: starts the {@code etcd} child process, waits until
 * it is healthy, restarts it with exponential backoff when it dies, and stops it on close.
 *
 * <pre>{@code
 * try (EtcdLauncher etcd = new EtcdLauncher(EtcdLaunchConfig.of(dir, "m1", 2379, 2380))) {
 *     String endpoint = etcd.start();   // http://127.0.0.1:2379, healthy
 *     ...
 * }
 * }</pre>
 *
 * <p>etcd's output goes to the Log4j2 logger {@code etcd}, at the level of each line.
 */
public final class EtcdLauncher implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(EtcdLauncher.class);
    private static final Logger ETCD_LOG = LogManager.getLogger("etcd");
    private static final Duration MIN_RESTART_DELAY = Duration.ofMillis(500);
    private static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(30);
    /** A member that ran this long was healthy: the next crash restarts quickly again. */
    private static final Duration STABLE_RUN = Duration.ofSeconds(60);
    private static final int TAIL_LINES = 20;

    private final EtcdLaunchConfig config;
    private final HttpClient http;
    private final ScheduledExecutorService supervisor;
    private final Backoff backoff = new Backoff(MIN_RESTART_DELAY, MAX_RESTART_DELAY);
    private final AtomicInteger restarts = new AtomicInteger();
    private final Deque<String> tail = new ArrayDeque<>();
    private final Object lock = new Object();
    private Path binary;
    private Process process;
    private Thread pump;
    private long startedAtNanos;
    private volatile boolean started;
    private volatile boolean closed;

    public EtcdLauncher(EtcdLaunchConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        this.supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "etcd-supervisor-" + config.name());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Launches etcd and waits until it reports healthy; from then on it is supervised.
     *
     * @return the client endpoint, e.g. {@code http://127.0.0.1:2379}
     * @throws IllegalStateException when the binary is missing (message
     *     {@link EtcdCommand#NOT_FOUND}), etcd exits early or is not healthy in time
     */
    public String start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("etcd launcher for " + config.name() + " is closed");
            }
            if (started) {
                return endpoint();
            }
            binary = EtcdCommand.resolveBinary(config.binary(), System.getenv("PATH"));
            launch();
        }
        try {
            awaitHealthy(config.startTimeout());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        started = true;
        LOG.info("etcd member {} is healthy at {}", config.name(), endpoint());
        return endpoint();
    }

    /** The client endpoint (also before start). */
    public String endpoint() {
        return config.clientUrl();
    }

    public EtcdLaunchConfig config() {
        return config;
    }

    /** The process id of the running etcd, if one runs. */
    public Optional<Long> pid() {
        synchronized (lock) {
            return process != null && process.isAlive() ? Optional.of(process.pid()) : Optional.empty();
        }
    }

    /** How often the supervisor restarted etcd after it died. */
    public int restartCount() {
        return restarts.get();
    }

    /** Whether etcd answers its health endpoint with {@code "health":"true"} right now. */
    public boolean isHealthy() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops supervising, then stops etcd: SIGTERM, up to 10 s, then SIGKILL. */
    @Override
    public void close() {
        Process p;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            p = process;
        }
        supervisor.shutdownNow();
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                LOG.warn("etcd member {} did not stop within 10 s of SIGTERM; killing it", config.name());
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LOG.info("etcd member {} stopped", config.name());
    }

    /** Starts the process and its output pump; caller holds the lock. */
    private void launch() {
        List<String> cmd = EtcdCommand.commandLine(binary, config);
        LOG.info("starting etcd: {}", String.join(" ", cmd));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start etcd (" + binary + "): " + e.getMessage(), e);
        }
        process = p;
        startedAtNanos = System.nanoTime();
        pump = new Thread(() -> pumpOutput(p), "etcd-output-" + config.name());
        pump.setDaemon(true);
        pump.start();
        p.onExit().thenAccept(this::onExit);
    }

    private void pumpOutput(Process p) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                ETCD_LOG.log(EtcdCommand.levelOf(line), line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // The stream closes when the process dies; nothing to report.
        }
    }

    private void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Process p;
            Thread output;
            synchronized (lock) {
                p = process;
                output = pump;
            }
            if (closed) {
                throw new IllegalStateException("etcd launcher for " + config.name() + " was closed");
            }
            if (!p.isAlive()) {
                // Let the pump read etcd's last words: they say why it died.
                joinQuietly(output);
                throw new IllegalStateException("etcd exited with code " + p.exitValue()
                        + " before it was healthy; last output:\n" + lastOutput());
            }
            if (isHealthy()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("etcd at " + endpoint() + " not healthy after " + timeout
                        + "; last output:\n" + lastOutput());
            }
            sleep(100);
        }
    }

    private void onExit(Process p) {
        synchronized (lock) {
            if (closed || p != process || !started) {
                return;
            }
            long ranNanos = System.nanoTime() - startedAtNanos;
            if (ranNanos > STABLE_RUN.toNanos()) {
                backoff.reset();
            }
        }
        scheduleRestart("etcd member " + config.name() + " exited unexpectedly with code " + p.exitValue());
    }

    private void scheduleRestart(String why) {
        Duration delay;
        synchronized (lock) {
            delay = backoff.nextDelay();
        }
        LOG.error("{}; restarting in {} ms", why, delay.toMillis());
        try {
            supervisor.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed meanwhile: nothing to restart.
        }
    }

    private void restart() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                launch();
            } catch (RuntimeException e) {
                scheduleRestart("cannot restart etcd member " + config.name() + ": " + e.getMessage());
                return;
            }
        }
        restarts.incrementAndGet();
        try {
            awaitHealthy(config.startTimeout());
            LOG.warn("etcd member {} restarted and healthy at {}", config.name(), endpoint());
        } catch (IllegalStateException e) {
            if (closed) {
                return;
            }
            LOG.error("restarted etcd member {} did not become healthy: {}", config.name(), e.getMessage());
            Process p;
            synchronized (lock) {
                p = process;
            }
            // Its onExit schedules the next attempt; a hung process is killed so that it does.
            p.destroyForcibly();
        }
    }

    private String lastOutput() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for etcd", e);
        }
    }
}
