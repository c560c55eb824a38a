package dev.berth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.berth.api.Task;
import dev.berth.api.codec.Codec;
import dev.berth.testkit.EtcdExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One Berth "cluster" of a test class: the real {@code bin/berth init --detach} (manager, embedded
 * etcd and local agent) with its own state directory, HOME, API port and etcd ports, on the test's
 * Docker engine; commands run as {@code bin/berth --host <its API> …} subprocesses, exactly as a
 * person types them.
 *
 * <p>Services are named with {@link #service(String)} (a prefix unique to this cluster), so that
 * {@link #close()} removes exactly the containers this cluster made, whatever state it is in.
 */
final class BerthCluster implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(BerthCluster.class);
    /** Label Berth's agent puts on every container, valued with the service's name. */
    static final String SERVICE_LABEL = "berth.service.name";
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(120);

    private final Path repo = repo();
    private final String dockerHost;
    private final DockerClient docker;
    private final Path stateDir;
    private final Path home;
    private final int apiPort = EtcdExtension.freePort();
    private final int etcdClientPort = EtcdExtension.freePort();
    private final int etcdPeerPort = EtcdExtension.freePort();
    private final String prefix = "e2e" + UUID.randomUUID().toString().substring(0, 6) + "-";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    BerthCluster(String dockerHost) {
        this.dockerHost = dockerHost;
        this.docker = dockerClient(dockerHost);
        try {
            this.stateDir = Files.createTempDirectory("berth-e2e-state");
            this.home = Files.createDirectories(stateDir.resolve("home"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root: bin/berth and examples/ (the failsafe configuration passes it). */
    static Path repo() {
        return Path.of(System.getProperty("berth.repo", "../..")).toAbsolutePath().normalize();
    }

    /** A docker-java client of the engine at {@code host}. */
    static DockerClient dockerClient(String host) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(10)).responseTimeout(Duration.ofSeconds(60)).build());
    }

    /** Builds the example images into the engine with examples/images/build.sh (kept when they exist). */
    static void buildImages(String dockerHost) {
        CliResult r = run(List.of(repo().resolve("examples/images/build.sh").toString()), Map.of("DOCKER_HOST", dockerHost),
                Duration.ofMinutes(3));
        assertThat(r.exitCode()).as("examples/images/build.sh\n%s", r).isZero();
    }

    /** A service name unique to this cluster: {@code e2eXXXXXX-<base>}. */
    String service(String base) {
        return prefix + base;
    }

    DockerClient docker() {
        return docker;
    }

    String url() {
        return "http://127.0.0.1:" + apiPort;
    }

    Path stateDir() {
        return stateDir;
    }

    /** {@code berth init --detach} on this cluster's state directory and ports; returns once the API answers. */
    BerthCluster start() {
        CliResult r = berthWithoutHost("init", "--detach", "--state-dir", stateDir.toString(),
                "--listen-addr", "127.0.0.1:" + apiPort,
                // not the default 0.0.0.0:4242: a Berth of the developer's own may hold it
                "--cluster-listen-addr", "127.0.0.1:" + EtcdExtension.freePort(),
                "--etcd-client-port", String.valueOf(etcdClientPort), "--etcd-peer-port", String.valueOf(etcdPeerPort),
                "--docker-host", dockerHost);
        assertThat(r.exitCode()).as("%s\n--- manager.log\n%s", r, logTail()).isZero();
        LOG.info("berth running at {} with state in {}", url(), stateDir);
        return this;
    }

    /** {@code bin/berth --host <this cluster> args…}. */
    CliResult berth(String... args) {
        List<String> all = new ArrayList<>(List.of("--host", url()));
        all.addAll(Arrays.asList(args));
        return berthWithoutHost(all.toArray(String[]::new));
    }

    /** As {@link #berth}, failing the test unless the command exits 0. */
    CliResult ok(String... args) {
        CliResult r = berth(args);
        assertThat(r.exitCode()).as("%s", r).isZero();
        return r;
    }

    private CliResult berthWithoutHost(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(repo.resolve("bin/berth").toString());
        cmd.addAll(Arrays.asList(args));
        // HOME: ~/.berth/config of this cluster only; DOCKER_HOST: the agent's engine is the test's
        CliResult r = run(cmd, Map.of("HOME", home.toString(), "DOCKER_HOST", dockerHost), CLI_TIMEOUT);
        return new CliResult(Arrays.asList(args), r.exitCode(), r.out(), r.err());
    }

    private static CliResult run(List<String> cmd, Map<String, String> env, Duration timeout) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeout.toSeconds() + "s");
            }
            return new CliResult(cmd, p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** GET {@code /api/v1/<path>} of this cluster, as JSON. */
    JsonNode api(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/" + path)).GET()
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
            return Codec.json().readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The tasks of a service (every task, history included) as the API lists them. */
    List<JsonNode> tasks(String service) {
        List<JsonNode> out = new ArrayList<>();
        api("tasks?labelSelector=" + URLEncoder.encode(Task.SERVICE_LABEL + "=" + service, StandardCharsets.UTF_8))
                .path("items").forEach(out::add);
        return out;
    }

    /** A task's state in upper case ({@code RUNNING}), whatever case the wire form uses. */
    static String state(JsonNode task) {
        return task.path("status").path("state").asText("").toUpperCase(java.util.Locale.ROOT);
    }

    /** The tasks of a service whose status is RUNNING. */
    List<JsonNode> runningTasks(String service) {
        return tasks(service).stream().filter(t -> state(t).equals("RUNNING")).toList();
    }

    /** The service's containers on the engine, stopped ones included. */
    List<Container> containers(String service, boolean all) {
        return docker.listContainersCmd().withShowAll(all).withLabelFilter(Map.of(SERVICE_LABEL, service)).exec();
    }

    /** The hostnames of the service's running containers (what whoami answers). */
    Set<String> hostnames(String service) {
        return containers(service, false).stream()
                .map(c -> docker.inspectContainerCmd(c.getId()).exec().getConfig().getHostName())
                .collect(Collectors.toSet());
    }

    /**
     * kill -9 of every process of this Berth: the manager of the pid file, everything it
     * started (etcd, an agent) and any other process whose command line names this state
     * directory; returns once they are all gone.
     */
    void killAll() {
        List<ProcessHandle> victims = new ArrayList<>();
        Path pidFile = stateDir.resolve("manager.pid");
        if (Files.isRegularFile(pidFile)) {
            try {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(p -> {
                    victims.add(p);
                    p.descendants().forEach(victims::add);
                });
            } catch (IOException | NumberFormatException e) {
                throw new AssertionError("unreadable " + pidFile, e);
            }
        }
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(stateDir.toString())).orElse(false))
                .forEach(victims::add);
        assertThat(victims).as("processes of the Berth in %s", stateDir).isNotEmpty();
        victims.forEach(ProcessHandle::destroyForcibly); // SIGKILL: no shutdown hook runs
        for (ProcessHandle p : victims) {
            p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
        LOG.info("killed -9: {}", victims.stream().map(ProcessHandle::pid).toList());
    }

    /** Whether a process of this Berth still runs. */
    boolean anyProcessAlive() {
        return ProcessHandle.allProcesses()
                .anyMatch(p -> p.info().commandLine().map(c -> c.contains(stateDir.toString())).orElse(false));
    }

    /**
     * Best effort before stopping: removes this cluster's services that a failed test left, so
     * that the agent takes their containers and published ports down itself.
     */
    private void removeOwnServices() {
        try {
            List<String> left = new ArrayList<>();
            api("services").path("items").forEach(s -> left.add(s.path("metadata").path("name").asText()));
            left.removeIf(name -> !name.startsWith(prefix));
            for (String name : left) {
                http.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/services/" + name)).DELETE()
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!left.isEmpty() && System.nanoTime() < deadline && left.stream().anyMatch(n -> !containers(n, true).isEmpty())) {
                Thread.sleep(500);
            }
        } catch (IOException | RuntimeException | AssertionError e) {
            LOG.warn("could not remove the services left in {}: {}", url(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String logTail() {
        try (Stream<String> lines = Files.lines(stateDir.resolve("manager.log"))) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no manager.log)";
        }
    }

    /**
     * Stops Berth ({@code berth stop}; kill -9 when that fails), then removes whatever containers of
     * this cluster's services are left, and its state directory.
     */
    @Override
    public void close() {
        try {
            removeOwnServices();
            CliResult r = berthWithoutHost("stop", "--state-dir", stateDir.toString(), "--timeout", "60");
            if (r.exitCode() != 0) {
                LOG.warn("berth stop failed: {}", r);
            }
            if (anyProcessAlive()) {
                killAll();
            }
        } finally {
            for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(SERVICE_LABEL)).exec()) {
                String service = c.getLabels() == null ? "" : c.getLabels().getOrDefault(SERVICE_LABEL, "");
                if (service.startsWith(prefix)) {
                    docker.removeContainerCmd(c.getId()).withForce(true).exec();
                }
            }
            EtcdExtension.deleteRecursively(stateDir);
            try {
                docker.close();
            } catch (IOException e) {
                // closing a client at the end of a test class: nothing to do
            }
        }
    }
}
