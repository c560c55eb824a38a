package dev.berth.bench.failover;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The lab as the benchmark drives it: {@code deploy/lab.sh} commands, each node's Docker engine, and
 * the instant a node dies (its dockerd process gone, or its link down), which {@code lab.sh kill}
 * and {@code cut} do not report: they also scan, unmount and clean before or after the blow.
 */
public final class LabControl {

    /** How often the death of a node is checked while {@code lab.sh} strikes it. */
    private static final long DEATH_POLL_MILLIS = 2;

    private final Path labScript;

    /** @param labScript {@code deploy/lab.sh} */
    public LabControl(Path labScript) {
        this.labScript = labScript;
    }

    /** A {@code lab.sh} started in the background, its output kept in a file for the error message. */
    public record Running(Process process, Path output, String what) {

        /** Waits for it (at most 3 minutes) and fails with the end of its output if it failed. */
        public void await() throws IOException, InterruptedException {
            try {
                if (!process.waitFor(3, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IOException(what + " did not finish within 3 minutes");
                }
                if (process.exitValue() != 0) {
                    String text = Files.readString(output, StandardCharsets.UTF_8);
                    throw new IOException(what + " failed (exit " + process.exitValue() + "): "
                            + text.substring(Math.max(0, text.length() - 2000)));
                }
            } finally {
                if (!process.isAlive()) {
                    Files.deleteIfExists(output);
                }
            }
        }
    }

    /** Node {@code i}'s engine socket, {@code unix:///run/berth-lab/I/docker.sock}. */
    public static String dockerHost(int node) {
        return "unix:///run/berth-lab/" + node + "/docker.sock";
    }

    /** A client of node {@code i}'s engine; close it after use (a revived engine is a new socket). */
    public static DockerClient docker(int node) {
        String host = dockerHost(node);
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(URI.create(host))
                .maxConnections(8).connectionTimeout(Duration.ofSeconds(3)).responseTimeout(Duration.ofSeconds(20)).build();
        return DockerClientImpl.getInstance(config, http);
    }

    /** Runs {@code lab.sh ARGS} to its end. */
    public void run(String... args) throws IOException, InterruptedException {
        start(args).await();
    }

    /** Starts {@code lab.sh ARGS} without waiting. */
    public Running start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(labScript.toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("bench-failover-lab", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        return new Running(p, out, "lab.sh " + String.join(" ", args));
    }

    /** Node {@code i}'s dockerd pid, from the pid file the engine writes; empty when there is none. */
    public static Optional<Long> dockerdPid(int node) {
        try {
            return Optional.of(Long.parseLong(Files.readString(Path.of("/run/berth-lab/" + node + "/docker.pid")).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Waits (while {@code striker} runs) until {@code dead} holds, checking every few milliseconds,
     * and returns the {@link System#nanoTime()} of the first check that saw it; if the striker ends
     * first without it, the time it ended (the blow is then at most that late).
     */
    public static long awaitDeath(Running striker, BooleanSupplier dead) throws InterruptedException {
        while (true) {
            if (dead.getAsBoolean()) {
                return System.nanoTime();
            }
            if (!striker.process().isAlive()) {
                return System.nanoTime();
            }
            Thread.sleep(DEATH_POLL_MILLIS);
        }
    }

    /** Whether process {@code pid} is gone or a zombie (dead, waiting for its parent). */
    public static boolean processDead(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the state is the field after the parenthesised command name, which may hold spaces
            String rest = stat.substring(stat.lastIndexOf(')') + 1).strip();
            return rest.startsWith("Z") || rest.startsWith("X");
        } catch (IOException e) {
            return true;
        }
    }

    /** Whether node {@code i}'s link (host side, {@code blab-I}) is administratively down. */
    public static boolean linkDown(int node) {
        try {
            long flags = Long.decode(Files.readString(Path.of("/sys/class/net/blab-" + node + "/flags")).strip());
            return (flags & 0x1) == 0; // IFF_UP
        } catch (IOException | NumberFormatException e) {
            return true;
        }
    }
}
