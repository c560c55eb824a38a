package dev.berth.agent.health;

import dev.berth.api.HealthCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@link HealthProbes} on a timer thread and a pool of probe threads: a probe may block up to its
 * timeout, so the timer only hands it to the pool, and the next probe of the same container is
 * timed from the end of the previous one (as Docker does), so probes of one container never
 * overlap. The first probe runs one interval after the watch starts. HTTP: a GET of
 * {@code http://address:port/path}, healthy on 2xx and 3xx (redirects are not followed). TCP:
 * healthy when a connection opens. Both within the check's timeout.
 */
public final class ScheduledHealthProbes implements HealthProbes {

    private static final Logger LOG = LogManager.getLogger(ScheduledHealthProbes.class);

    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final ExecutorService probes;
    private final HttpClient http;

    /** Probes with the times of {@code clock} (for the start period). */
    public ScheduledHealthProbes(Clock clock) {
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "berth-health-timer"));
        AtomicInteger n = new AtomicInteger();
        this.probes = Executors.newCachedThreadPool(r -> daemon(r, "berth-health-probe-" + n.incrementAndGet()));
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).executor(probes).build();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public AutoCloseable watch(String address, HealthCheck check, Instant startedAt, String initial,
            Consumer<String> onHealth) {
        if (check.httpGet().isEmpty() && check.tcp().isEmpty()) {
            throw new IllegalArgumentException("only httpGet and tcp checks are probed by the agent");
        }
        Watch w = new Watch(address, check, new HealthTracker(check, startedAt, initial), onHealth);
        w.scheduleNext();
        return w;
    }

    /** One check's result: connects (TCP) or gets a 2xx/3xx answer (HTTP) within the timeout. */
    boolean probe(String address, HealthCheck check) {
        Duration timeout = check.timeout().isNegative() || check.timeout().isZero()
                ? HealthCheck.DEFAULT_TIMEOUT : check.timeout();
        if (check.tcp().isPresent()) {
            return tcp(address, check.tcp().get().port(), timeout);
        }
        HealthCheck.HttpGetProbe get = check.httpGet().orElseThrow();
        return httpGet(address, get.port(), get.path(), timeout);
    }

    static boolean tcp(String address, int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), (int) Math.max(1, timeout.toMillis()));
            return true;
        } catch (IOException e) {
            LOG.debug("tcp probe of {}:{} failed: {}", address, port, e.toString());
            return false;
        }
    }

    boolean httpGet(String address, int port, String path, Duration timeout) {
        String host = address.contains(":") ? "[" + address + "]" : address;
        try {
            URI uri = URI.create("http://" + host + ":" + port + (path.startsWith("/") ? path : "/" + path));
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 400;
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("http probe of {}:{}{} failed: {}", address, port, path, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The probing of one container. */
    private final class Watch implements AutoCloseable {
        private final String address;
        private final HealthCheck check;
        private final HealthTracker tracker;
        private final Consumer<String> onHealth;
        private volatile boolean closed;
        private volatile ScheduledFuture<?> next;

        Watch(String address, HealthCheck check, HealthTracker tracker, Consumer<String> onHealth) {
            this.address = address;
            this.check = check;
            this.tracker = tracker;
            this.onHealth = onHealth;
        }

        void scheduleNext() {
            if (closed) {
                return;
            }
            Duration interval = check.interval().isNegative() || check.interval().isZero()
                    ? HealthCheck.DEFAULT_INTERVAL : check.interval();
            try {
                next = timer.schedule(() -> probes.execute(this::runOnce), interval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }

        private void runOnce() {
            if (closed) {
                return;
            }
            boolean ok = probe(address, check);
            if (closed) {
                return;
            }
            tracker.record(ok, clock.instant()).ifPresent(h -> {
                try {
                    onHealth.accept(h);
                } catch (RuntimeException e) {
                    LOG.error("the health listener failed on {}", h, e);
                }
            });
            scheduleNext();
        }

        @Override
        public void close() {
            closed = true;
            ScheduledFuture<?> f = next;
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        probes.shutdownNow();
    }
}
