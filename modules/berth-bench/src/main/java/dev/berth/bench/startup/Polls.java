package dev.berth.bench.startup;

import com.github.dockerjava.api.DockerClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;

/**
 * Polling helpers shared by the contenders: every system is watched the same way (a poll every
 * {@link #INTERVAL}), so that the resolution of the figures is the same for all. Public because the
 * rolling-update benchmark ({@code dev.berth.bench.rollout}) watches its systems the same way.
 */
public final class Polls {

    /** How often running replicas are counted; the figures' resolution. */
    public static final Duration INTERVAL = Duration.ofMillis(100);

    private Polls() {
    }

    /** Seconds since {@code t0} (a {@link System#nanoTime()}). */
    public static double since(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Polls {@code running} until it reaches {@code replicas}; the timing counts from {@code t0},
     * the create call having returned at {@code created} seconds.
     */
    public static Timing untilRunning(String what, long t0, double created, int replicas, IntSupplier running,
            Duration timeout) throws InterruptedException, TimeoutException {
        double first = -1;
        while (true) {
            int n = running.getAsInt();
            if (n > 0 && first < 0) {
                first = since(t0);
            }
            if (n >= replicas) {
                return new Timing(created, first, since(t0));
            }
            if (since(t0) > timeout.toSeconds()) {
                throw new TimeoutException(what + ": " + n + " of " + replicas + " running after " + timeout.toSeconds()
                        + "s");
            }
            Thread.sleep(INTERVAL.toMillis());
        }
    }

    /**
     * Waits until the engine has no container, running or not, whose name starts with
     * {@code name.}: Swarm and Berth both name containers {@code <service>.<slot>.<task id>}.
     */
    public static void untilNoContainers(DockerClient docker, String name, Duration timeout)
            throws InterruptedException, TimeoutException {
        long t0 = System.nanoTime();
        String prefix = "/" + name + ".";
        while (true) {
            long left = docker.listContainersCmd().withShowAll(true).withNameFilter(List.of(name + "."))
                    .exec().stream()
                    .filter(c -> c.getNames() != null && List.of(c.getNames()).stream().anyMatch(n -> n.startsWith(prefix)))
                    .count();
            if (left == 0) {
                return;
            }
            if (since(t0) > timeout.toSeconds()) {
                throw new TimeoutException(left + " containers of " + name + " still exist after "
                        + timeout.toSeconds() + "s");
            }
            Thread.sleep(INTERVAL.toMillis());
        }
    }
}
