package dev.berth.agent.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.berth.api.HealthCheck;
import dev.berth.api.Task;
import dev.berth.api.TaskTemplate;
import dev.berth.api.codec.Codec;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@link Executor} over a Docker engine (docker-java with the Apache httpclient5 transport,
 * by default on {@code unix:///var/run/docker.sock}). Containers are created from the task's
 * template with Swarm's name and Berth's labels ({@link ContainerLabels}); their state changes
 * come from the engine's event stream, filtered on the {@link ContainerLabels#MANAGED} label.
 * A task on the cluster network gets its container at the fixed address and with the DNS server
 * of its {@link NetworkAttachment}: with a {@link NetworkPlumber} ({@link #withNetworkPlumbing})
 * the container starts without a network, behind the {@link EntrypointWrapper}, and is linked to
 * the node's bridge when started; without one, on the node's Docker network.
 * A {@code cmd} health check becomes the container's Docker HEALTHCHECK, whose changes come as
 * {@code health_status} events; {@code init} gives the container Docker's init as PID 1.
 *
 * <pre>{@code
 * try (DockerExecutor docker = new DockerExecutor(DockerExecutor.DEFAULT_HOST)) {
 *     String id = docker.prepare(task);
 *     docker.start(id);
 * }
 * }</pre>
 */
public final class DockerExecutor implements Executor, LogSource, AutoCloseable {

    /** The engine's usual socket. */
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    private static final Logger LOG = LogManager.getLogger(DockerExecutor.class);
    /** How long a pull may take before the image counts as missing. */
    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration RESUBSCRIBE_DELAY = Duration.ofSeconds(1);
    /** How long after a failed link the engine may take to report that the container ended. */
    private static final Duration ENDING_GRACE = Duration.ofSeconds(2);
    private static final Pattern EXITED = Pattern.compile("Exited \\((-?\\d+)\\)");

    private final String host;
    private final DockerClient docker;
    private final ScheduledExecutorService resubscriber;
    private final Supplier<Optional<String>> nodeScope;
    private volatile Optional<Plumbing> plumbing = Optional.empty();
    /** Containers created for plumbing and not started yet, with where they join. */
    private final Map<String, NetworkAttachment> toPlumb = new ConcurrentHashMap<>();
    /** Containers whose hosts, hostname and resolv.conf the agent wrote, with their task's id. */
    private final Map<String, String> filesOfContainer = new ConcurrentHashMap<>();
    private final ImageCommands imageCommands;

    /**
     * How containers on the cluster network get their link, the busybox their wait runs on, and
     * where their hosts, hostname and resolv.conf are.
     */
    private record Plumbing(NetworkPlumber plumber, String busybox, ContainerFiles files) {
    }

    /**
     * An executor on the engine at {@code dockerHost} ({@code unix:///…} or {@code tcp://…})
     * that manages every Berth container on it.
     */
    public DockerExecutor(String dockerHost) {
        this(dockerHost, Optional::empty);
    }

    /**
     * An executor that, once {@code nodeId} knows the node's id, lists and watches only the
     * containers labelled with it: several agents (tests, a lab) may then share one engine
     * without removing each other's containers.
     */
    public DockerExecutor(String dockerHost, Supplier<Optional<String>> nodeId) {
        this.host = dockerHost;
        this.nodeScope = nodeId;
        this.docker = newClient(dockerHost);
        this.resubscriber = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "docker-events-resubscribe");
            t.setDaemon(true);
            return t;
        });
        this.imageCommands = new ImageCommands(docker, resubscriber);
    }

    /** A docker-java client on {@code dockerHost}, with enough connections for parallel starts. */
    public static DockerClient newClient(String dockerHost) {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost).build();
        // No response timeout: a stop waits for the grace period and the event stream is idle for long.
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(128)
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    /**
     * Links containers on the cluster network to it itself, with {@code plumber}, instead of
     * attaching them to the engine's network. Their containers are created with the engine's
     * networking disabled, so the agent writes their hosts, hostname and resolv.conf, in a
     * directory per task under {@code filesRoot} ({@link ContainerFiles}).
     *
     * @param staticBusybox a statically linked busybox on this host, the shell of the
     *     {@link EntrypointWrapper}
     * @param filesRoot a directory of the agent's, on the engine's file system
     * @throws IllegalArgumentException when the engine cannot bind-mount from {@code filesRoot}
     */
    public DockerExecutor withNetworkPlumbing(NetworkPlumber plumber, Path staticBusybox, Path filesRoot) {
        this.plumbing = Optional.of(new Plumbing(plumber, staticBusybox.toAbsolutePath().toString(),
                ContainerFiles.under(filesRoot)));
        return this;
    }

    /**
     * Deletes the container files ({@link #withNetworkPlumbing}) of tasks that have no container
     * left on the engine: those removed while no agent ran. Call it before the agent runs tasks;
     * an engine that does not answer leaves everything in place.
     */
    public void pruneContainerFiles() {
        Optional<Plumbing> p = plumbing;
        if (p.isEmpty()) {
            return;
        }
        try {
            p.get().files().prune(listManaged().stream().map(ContainerInfo::taskId)
                    .collect(java.util.stream.Collectors.toUnmodifiableSet()));
        } catch (ExecutorException e) {
            LOG.info("{}: container files are not pruned", e.getMessage());
        }
    }

    /** The engine's address. */
    public String host() {
        return host;
    }

    /** The underlying client, for what the SPI does not cover (tests, the node description). */
    public DockerClient client() {
        return docker;
    }

    /** The engine's version ({@code 20.10.24+dfsg1}). */
    public String engineVersion() throws ExecutorException {
        try {
            return docker.versionCmd().exec().getVersion();
        } catch (RuntimeException e) {
            throw new ExecutorException.EngineFailure("cannot reach the Docker engine at " + host + ": "
                    + describe(e), e);
        }
    }

    @Override
    public String prepare(Task task, Optional<NetworkAttachment> network) throws ExecutorException {
        String image = task.spec().template().image();
        String name = ContainerLabels.containerName(task);
        if (network.isPresent() && plumbing.isPresent()) {
            return preparePlumbed(task, name, network.get());
        }
        try {
            return createReplacingLeftover(task, name, network, List.of());
        } catch (NotFoundException e) {
            // The engine answers a create with 404 only when the image is missing. Creating first
            // and pulling only then, as `docker run` does, saves an image inspect on every task.
            ensureImage(image);
            try {
                return createReplacingLeftover(task, name, network, List.of());
            } catch (NotFoundException again) {
                throw new ExecutorException.ImageNotFound(image, again);
            }
        }
    }

    /**
     * Creates a container the agent links to the cluster network when it starts: the image's
     * entrypoint and command are read first (pulling the image when it is missing), as the
     * wrapper must be given the whole command.
     */
    private String preparePlumbed(Task task, String name, NetworkAttachment network) throws ExecutorException {
        TaskTemplate template = task.spec().template();
        String image = template.image();
        ImageCommands.Command imageCommand = imageCommands.get(image, () -> {
            var config = inspectImage(image).getConfig();
            return new ImageCommands.Command(
                    config == null || config.getEntrypoint() == null ? List.of() : List.of(config.getEntrypoint()),
                    config == null || config.getCmd() == null ? List.of() : List.of(config.getCmd()));
        });
        List<String> argv = EntrypointWrapper.effectiveCommand(template.command(), template.args(),
                imageCommand.entrypoint(), imageCommand.cmd());
        String id;
        try {
            // Without any command the engine refuses the create itself, with its own words.
            id = createReplacingLeftover(task, name, Optional.of(network), argv);
        } catch (NotFoundException e) {
            throw new ExecutorException.ImageNotFound(image, e); // removed since the inspect
        }
        try {
            // before the start: the engine would make a missing bind source a directory
            plumbing.orElseThrow().files().write(task.id(), hostname(id), network);
        } catch (IOException e) {
            removeQuietly(id);
            throw new ExecutorException.EngineFailure("cannot write the hosts, hostname and resolv.conf of container "
                    + name + ": " + e.getMessage(), e);
        }
        filesOfContainer.put(id, task.id());
        toPlumb.put(id, network);
        return id;
    }

    /** Docker's host name for a container it names itself: its short id. */
    static String hostname(String containerId) {
        return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    }

    /** The image's description, pulling the image first when it is not on the node. */
    private InspectImageResponse inspectImage(String image) throws ExecutorException {
        try {
            return docker.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            LOG.info("image {} is not on this node: pulling it", image);
            pull(image);
        } catch (RuntimeException e) {
            throw failure("cannot inspect image " + image, e, image);
        }
        try {
            return docker.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            throw new ExecutorException.ImageNotFound(image, e);
        } catch (RuntimeException e) {
            throw failure("cannot inspect image " + image, e, image);
        }
    }

    private String createReplacingLeftover(Task task, String name, Optional<NetworkAttachment> network,
            List<String> wrapped) throws ExecutorException {
        String image = task.spec().template().image();
        try {
            return create(task, name, network, wrapped);
        } catch (ConflictException e) {
            // A container of that name is left from an agent that died between create and
            // remembering the id; it belongs to this very task, so it is replaced.
            LOG.info("container {} exists already; replacing it", name);
            removeQuietly(name);
            try {
                return create(task, name, network, wrapped);
            } catch (NotFoundException missing) {
                throw missing;
            } catch (RuntimeException again) {
                throw failure("cannot create container " + name, again, image);
            }
        } catch (NotFoundException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure("cannot create container " + name, e, image);
        }
    }

    private String create(Task task, String name, Optional<NetworkAttachment> network, List<String> wrapped) {
        return createCommand(task, name, network, wrapped).exec().getId();
    }

    /** The engine call that creates the task's container on the engine's network (not yet sent). */
    CreateContainerCmd createCommand(Task task, String name, Optional<NetworkAttachment> network) {
        return createCommand(task, name, network, List.of());
    }

    /**
     * The engine call that creates the task's container (not yet sent).
     *
     * @param wrapped the whole command, when the agent plumbs the container's network: the
     *     container then starts without a network and runs it behind the {@link EntrypointWrapper};
     *     empty: on the engine's network (or none), with the task's command as it is
     */
    CreateContainerCmd createCommand(Task task, String name, Optional<NetworkAttachment> network,
            List<String> wrapped) {
        TaskTemplate template = task.spec().template();
        boolean plumbed = network.isPresent() && !wrapped.isEmpty();
        HostConfig hostConfig = plumbed ? plumbedHostConfig(plumbing.orElseThrow().busybox(),
                plumbing.orElseThrow().files().binds(task.id())) : hostConfig(network);
        if (template.init()) {
            // Docker's tini as PID 1: it forwards the stop signal and reaps, so a program that
            // ignores SIGTERM as PID 1 still stops at once rather than after the grace period.
            hostConfig.withInit(true);
        }
        double cpus = template.resources().limits().cpus();
        if (cpus > 0) {
            hostConfig.withNanoCPUs(Math.round(cpus * 1e9));
        }
        long memory = template.resources().limits().memory().bytes();
        if (memory > 0) {
            hostConfig.withMemory(memory);
        }
        List<String> env = new ArrayList<>();
        template.env().forEach((k, v) -> env.add(k + "=" + v));
        // Docker's default hostname is the short container id: each replica answers differently.
        CreateContainerCmd cmd = docker.createContainerCmd(template.image())
                .withName(name)
                .withLabels(plumbed ? ContainerLabels.of(task, network.get()) : ContainerLabels.of(task))
                .withEnv(env)
                .withStopSignal(template.stopSignal())
                .withStopTimeout(graceSeconds(template.stopGracePeriod()))
                .withHostConfig(hostConfig);
        engineHealthCheck(template.healthCheck()).ifPresent(cmd::withHealthcheck);
        if (plumbed) {
            // No engine networking at all: no sandbox, none of the engine's network files.
            return cmd.withNetworkDisabled(true).withEntrypoint(EntrypointWrapper.entrypoint()).withCmd(wrapped);
        }
        // docker-java turns the address into the endpoint's IPAM config on the host config's network
        network.ifPresent(n -> cmd.withIpv4Address(n.address()));
        if (!template.command().isEmpty()) {
            cmd.withEntrypoint(template.command());
        }
        if (!template.args().isEmpty()) {
            cmd.withCmd(template.args());
        }
        return cmd;
    }

    /**
     * The host config of a container the agent links itself: no engine network (only loopback
     * until the link), the node's busybox for the wrapper, and the agent's hosts, hostname and
     * resolv.conf ({@link ContainerFiles}).
     */
    static HostConfig plumbedHostConfig(String busybox, List<Bind> files) {
        List<Bind> binds = new ArrayList<>();
        binds.add(new Bind(busybox, new Volume(EntrypointWrapper.MOUNT_POINT), AccessMode.ro));
        binds.addAll(files);
        return HostConfig.newHostConfig()
                .withNetworkMode("none")
                .withBinds(binds);
    }

    /**
     * Docker's HEALTHCHECK for a {@code cmd} check (the engine runs it and announces changes as
     * {@code health_status} events); empty for no check or for the agent's own HTTP and TCP
     * probes. Durations go in nanoseconds, as the engine's API wants them; zero retries would
     * mean the image's or the engine's default, which is what {@link HealthCheck} defaults to.
     */
    static Optional<com.github.dockerjava.api.model.HealthCheck> engineHealthCheck(HealthCheck check) {
        if (check.cmd().isEmpty()) {
            return Optional.empty();
        }
        List<String> test = new ArrayList<>();
        test.add("CMD");
        test.addAll(check.cmd());
        return Optional.of(new com.github.dockerjava.api.model.HealthCheck()
                .withTest(test)
                .withInterval(engineNanos(check.interval()))
                .withTimeout(engineNanos(check.timeout()))
                .withRetries(check.retries() <= 0 ? HealthCheck.DEFAULT_RETRIES : check.retries())
                .withStartPeriod(engineNanos(check.startPeriod())));
    }

    /** A duration in nanoseconds; the engine refuses positive ones under a millisecond. */
    static long engineNanos(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return 0;
        }
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), d.toNanos());
    }

    /**
     * The host config a task's container starts from: on the cluster network with its DNS server
     * when attached, else the engine's defaults (the default bridge).
     */
    static HostConfig hostConfig(Optional<NetworkAttachment> network) {
        HostConfig hostConfig = HostConfig.newHostConfig();
        network.ifPresent(n -> hostConfig.withNetworkMode(n.network()).withDns(n.dns()));
        return hostConfig;
    }

    private void ensureImage(String image) throws ExecutorException {
        try {
            docker.inspectImageCmd(image).exec();
            return;
        } catch (NotFoundException e) {
            LOG.info("image {} is not on this node: pulling it", image);
        } catch (RuntimeException e) {
            throw failure("cannot inspect image " + image, e, image);
        }
        pull(image);
    }

    /** Pulls {@code image}, which is not on the node; ImageNotFound when it cannot be pulled. */
    private void pull(String image) throws ExecutorException {
        try {
            var pull = docker.pullImageCmd(image);
            if (!hasTagOrDigest(image)) {
                pull.withTag("latest"); // without a tag the engine would pull every tag
            }
            boolean done = pull.start().awaitCompletion(PULL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                throw new ExecutorException.ImageNotFound(image, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutorException.ImageNotFound(image, e);
        } catch (RuntimeException e) {
            LOG.info("cannot pull image {}: {}", image, describe(e));
            throw new ExecutorException.ImageNotFound(image, e);
        }
    }

    static boolean hasTagOrDigest(String image) {
        if (image.contains("@")) {
            return true;
        }
        int slash = image.lastIndexOf('/');
        return image.indexOf(':', slash + 1) >= 0;
    }

    static int graceSeconds(Duration grace) {
        long s = grace.toMillis() <= 0 ? 0 : (grace.toMillis() + 999) / 1000;
        return (int) Math.min(Integer.MAX_VALUE, s);
    }

    @Override
    public void start(String containerId) throws ExecutorException {
        NetworkAttachment link = toPlumb.remove(containerId);
        try {
            docker.startContainerCmd(containerId).exec();
        } catch (NotModifiedException e) {
            // already started: nothing to do
        } catch (DockerException e) {
            throw new ExecutorException.StartFailed(startFailureReason(engineMessage(e)), e);
        } catch (RuntimeException e) {
            throw new ExecutorException.EngineFailure("cannot start container " + containerId + ": "
                    + describe(e), e);
        }
        if (link != null) {
            plumb(containerId, link);
        }
    }

    /**
     * Links a started container to the cluster network; its process waits for that. When the
     * process ended instead (its command is not in the image), the start failed, in its words.
     */
    private void plumb(String containerId, NetworkAttachment link) throws ExecutorException {
        NetworkPlumber plumber = plumbing.orElseThrow().plumber();
        InspectContainerResponse r = inspectRaw(containerId);
        long pid = pidOf(r);
        if (pid <= 0) {
            throw new ExecutorException.StartFailed(whyItEnded(containerId, r), null);
        }
        try {
            plumber.connect(pid, containerId, link);
        } catch (IOException e) {
            Optional<InspectContainerResponse> ended = awaitEnd(containerId, ENDING_GRACE);
            if (ended.isPresent()) {
                throw new ExecutorException.StartFailed(whyItEnded(containerId, ended.get()), e);
            }
            throw new ExecutorException.StartFailed("cannot link the container to the cluster network: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void reconnect(String containerId) throws ExecutorException {
        Optional<Plumbing> p = plumbing;
        if (p.isEmpty()) {
            return;
        }
        InspectContainerResponse r = inspectRaw(containerId);
        Map<String, String> labels = r.getConfig() == null || r.getConfig().getLabels() == null ? Map.of()
                : r.getConfig().getLabels();
        Optional<NetworkAttachment> link = ContainerLabels.attachment(labels);
        long pid = pidOf(r);
        if (link.isEmpty() || pid <= 0) {
            return;
        }
        try {
            if (!p.get().plumber().connected(containerId)) {
                LOG.info("linking adopted container {} to the cluster network", r.getName());
                p.get().plumber().connect(pid, containerId, link.get());
                // a container an older agent created on the engine's files: name it in its hosts
                addHostsEntry(r, link.get().address());
            }
        } catch (IOException e) {
            throw new ExecutorException.EngineFailure("cannot link container " + containerId
                    + " to the cluster network: " + e.getMessage(), e);
        }
    }

    private InspectContainerResponse inspectRaw(String containerId) throws ExecutorException {
        try {
            return docker.inspectContainerCmd(containerId).exec();
        } catch (RuntimeException e) {
            throw new ExecutorException.EngineFailure("cannot inspect container " + containerId + ": "
                    + describe(e), e);
        }
    }

    /**
     * The container once the engine reports it stopped, within {@code grace}; empty if it still
     * runs. A link fails when the process ended meanwhile, and the engine hears of that a moment
     * after the kernel.
     */
    private Optional<InspectContainerResponse> awaitEnd(String containerId, Duration grace) throws ExecutorException {
        long deadline = System.nanoTime() + grace.toNanos();
        while (true) {
            InspectContainerResponse now = inspectRaw(containerId);
            if (pidOf(now) <= 0) {
                return Optional.of(now);
            }
            if (System.nanoTime() >= deadline) {
                return Optional.empty();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** The container's first process, or 0 when it does not run. */
    private static long pidOf(InspectContainerResponse r) {
        var state = r.getState();
        if (state == null || !Boolean.TRUE.equals(state.getRunning()) || state.getPidLong() == null) {
            return 0;
        }
        return state.getPidLong();
    }

    /**
     * Why a container's process ended before its network was linked: the wrapper's last words on
     * stderr ({@code exec: "nope": executable file not found in $PATH}), else its exit code.
     */
    private String whyItEnded(String containerId, InspectContainerResponse r) {
        List<String> lines = new ArrayList<>();
        try {
            ResultCallback.Adapter<Frame> callback = docker.logContainerCmd(containerId).withStdErr(true)
                    .withStdOut(false).withTail(5).exec(new ResultCallback.Adapter<>() {
                        @Override
                        public void onNext(Frame frame) {
                            new String(frame.getPayload(), StandardCharsets.UTF_8).lines()
                                    .filter(l -> !l.isBlank()).forEach(lines::add);
                        }
                    });
            callback.awaitCompletion(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("cannot read the logs of {}: {}", containerId, describe(e));
        }
        if (!lines.isEmpty()) {
            return lines.get(lines.size() - 1).strip();
        }
        var state = r.getState();
        Long exit = state == null ? null : state.getExitCodeLong();
        return "the container's process ended at once" + (exit == null ? "" : " (exit code " + exit + ")");
    }

    /**
     * Names the container's host name in its {@code /etc/hosts}, as the engine does for containers
     * on its networks (a program that resolves its own host name finds its address).
     */
    private static void addHostsEntry(InspectContainerResponse r, String address) {
        String hostsPath = r.getHostsPath();
        String hostname = r.getConfig() == null ? null : r.getConfig().getHostName();
        if (hostsPath == null || hostsPath.isEmpty() || hostname == null || hostname.isEmpty()) {
            return;
        }
        String entry = address + "\t" + hostname + "\n";
        try {
            Path hosts = Path.of(hostsPath);
            if (!Files.readString(hosts).contains(entry)) {
                Files.writeString(hosts, entry, StandardOpenOption.APPEND);
            }
        } catch (NoSuchFileException e) {
            LOG.debug("no hosts file at {} (the engine's files are not visible here)", hostsPath);
        } catch (IOException e) {
            LOG.warn("cannot name {} in the container's hosts file {}: {}", hostname, hostsPath, e.toString());
        }
    }

    /**
     * The part of the engine's start error a person needs: {@code exec: "nope": executable file
     * not found in $PATH} out of the runtime's {@code OCI runtime create failed: container_linux.go:380:
     * starting container process caused: exec: …: unknown}.
     */
    static String startFailureReason(String engineMessage) {
        String reason = engineMessage.strip();
        int caused = reason.lastIndexOf("caused: ");
        if (caused >= 0) {
            reason = reason.substring(caused + "caused: ".length());
        }
        if (reason.endsWith(": unknown")) {
            reason = reason.substring(0, reason.length() - ": unknown".length());
        }
        return reason;
    }

    @Override
    public void shutdown(String containerId, String stopSignal, Duration gracePeriod) throws ExecutorException {
        // The stop signal was set on the container at create; the engine sends it, waits the
        // grace period, then kills.
        try {
            docker.stopContainerCmd(containerId).withTimeout(graceSeconds(gracePeriod)).exec();
        } catch (NotModifiedException | NotFoundException e) {
            // already stopped or gone
        } catch (RuntimeException e) {
            throw new ExecutorException.EngineFailure("cannot stop container " + containerId + ": " + describe(e), e);
        }
    }

    @Override
    public void remove(String containerId) throws ExecutorException {
        toPlumb.remove(containerId);
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // gone already
        } catch (ConflictException e) {
            // "removal already in progress": someone else is removing it
            LOG.debug("container {} is being removed already: {}", containerId, engineMessage(e));
        } catch (RuntimeException e) {
            throw new ExecutorException.EngineFailure("cannot remove container " + containerId + ": " + describe(e), e);
        }
        String taskId = filesOfContainer.remove(containerId);
        Optional<Plumbing> p = plumbing;
        if (taskId != null && p.isPresent()) {
            p.get().files().delete(taskId, hostname(containerId));
        }
    }

    private void removeQuietly(String nameOrId) {
        try {
            remove(nameOrId);
        } catch (ExecutorException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    @Override
    public Optional<ContainerInfo> inspect(String containerId) throws ExecutorException {
        InspectContainerResponse r;
        try {
            r = docker.inspectContainerCmd(containerId).exec();
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new ExecutorException.EngineFailure("cannot inspect container " + containerId + ": " + describe(e), e);
        }
        String ip = "";
        if (r.getNetworkSettings() != null) {
            ip = nonEmpty(r.getNetworkSettings().getIpAddress());
            if (ip.isEmpty() && r.getNetworkSettings().getNetworks() != null) {
                ip = firstIp(r.getNetworkSettings().getNetworks());
            }
        }
        var state = r.getState();
        boolean running = state != null && Boolean.TRUE.equals(state.getRunning());
        int exit = state == null || state.getExitCodeLong() == null ? -1 : state.getExitCodeLong().intValue();
        Map<String, String> labels = r.getConfig() == null || r.getConfig().getLabels() == null ? Map.of()
                : r.getConfig().getLabels();
        String name = r.getName() == null ? "" : r.getName().replaceFirst("^/", "");
        if (ip.isEmpty()) {
            ip = ContainerLabels.address(labels); // linked by the agent: the engine does not know it
        }
        String health = state == null || state.getHealth() == null ? "" : nonEmpty(state.getHealth().getStatus());
        return Optional.of(new ContainerInfo(r.getId(), name, labels, running, exit, ip,
                state == null ? Optional.empty() : parseTime(state.getStartedAt()), health));
    }

    @Override
    public List<ContainerInfo> listManaged() throws ExecutorException {
        List<Container> containers;
        try {
            containers = docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(ContainerLabels.MANAGED, "true")).exec();
        } catch (RuntimeException e) {
            throw new ExecutorException.EngineFailure("cannot list containers: " + describe(e), e);
        }
        List<ContainerInfo> out = new ArrayList<>();
        for (Container c : containers) {
            if (!inScope(c.getLabels())) {
                continue;
            }
            String name = c.getNames() == null || c.getNames().length == 0 ? "" : c.getNames()[0].replaceFirst("^/", "");
            boolean running = "running".equals(c.getState());
            int exit = -1;
            if (c.getStatus() != null) {
                Matcher m = EXITED.matcher(c.getStatus());
                if (m.find()) {
                    exit = Integer.parseInt(m.group(1));
                }
            }
            String ip = c.getNetworkSettings() == null || c.getNetworkSettings().getNetworks() == null ? ""
                    : firstIp(c.getNetworkSettings().getNetworks());
            Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
            if (ip.isEmpty()) {
                ip = ContainerLabels.address(labels);
            }
            String taskId = labels.getOrDefault(ContainerLabels.TASK_ID, "");
            if (plumbing.isPresent() && !ContainerLabels.address(labels).isEmpty() && !taskId.isEmpty()) {
                // linked by an agent: once removed, its files go too (an agent restart forgot them)
                filesOfContainer.put(c.getId(), taskId);
            }
            out.add(new ContainerInfo(c.getId(), name, c.getLabels(), running, exit, ip));
        }
        return List.copyOf(out);
    }

    /** The engine's RFC 3339 time; empty for its "never" ({@code 0001-01-01T00:00:00Z}) or garbage. */
    static Optional<Instant> parseTime(String text) {
        if (text == null || text.isEmpty() || text.startsWith("0001-")) {
            return Optional.empty();
        }
        try {
            return Optional.of(java.time.OffsetDateTime.parse(text).toInstant());
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The event type of an engine action: {@code start}, {@code die}, {@code destroy}, and the
     * health check's {@code health_status: healthy} / {@code health_status: unhealthy} (its
     * {@code starting} is not announced: a container with a check starts in it).
     */
    static Optional<ContainerEvent.Type> eventType(String action) {
        switch (action.strip()) {
            case "start":
                return Optional.of(ContainerEvent.Type.START);
            case "die":
                return Optional.of(ContainerEvent.Type.DIE);
            case "destroy":
                return Optional.of(ContainerEvent.Type.DESTROY);
            case "health_status: healthy":
                return Optional.of(ContainerEvent.Type.HEALTHY);
            case "health_status: unhealthy":
                return Optional.of(ContainerEvent.Type.UNHEALTHY);
            default:
                return Optional.empty();
        }
    }

    private boolean inScope(Map<String, String> labels) {
        Optional<String> node = nodeScope.get();
        return node.isEmpty() || labels != null && node.get().equals(labels.get(ContainerLabels.NODE_ID));
    }

    private static String firstIp(Map<String, ContainerNetwork> networks) {
        return networks.values().stream().map(n -> nonEmpty(n.getIpAddress())).filter(s -> !s.isEmpty())
                .findFirst().orElse("");
    }

    private static String nonEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public AutoCloseable subscribe(ContainerEventListener listener) {
        EventSubscription subscription = new EventSubscription(listener);
        subscription.open(Optional.empty());
        subscription.awaitStarted(Duration.ofSeconds(10));
        return subscription;
    }

    /**
     * One listener's subscription to the engine's events; reopens the stream (from the last
     * event's time, so nothing is lost) when the engine closes it.
     */
    private final class EventSubscription implements AutoCloseable {
        private final ContainerEventListener listener;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicReference<Closeable> stream = new AtomicReference<>();
        private final AtomicLong lastEventSecond = new AtomicLong();
        private final CountDownLatch started = new CountDownLatch(1);
        /** Failures in a row: only the first of a series is logged (an engine that is down fails every second). */
        private final AtomicLong failuresInARow = new AtomicLong();

        EventSubscription(ContainerEventListener listener) {
            this.listener = listener;
        }

        void open(Optional<Long> since) {
            if (closed.get()) {
                return;
            }
            var cmd = docker.eventsCmd()
                    .withEventTypeFilter(EventType.CONTAINER)
                    .withLabelFilter(ContainerLabels.MANAGED + "=true")
                    // the engine matches health_status by prefix: "health_status: healthy" and so on
                    .withEventFilter("start", "die", "destroy", "health_status");
            since.ifPresent(s -> cmd.withSince(Long.toString(s)));
            cmd.exec(new ResultCallback.Adapter<Event>() {
                @Override
                public void onStart(Closeable closeable) {
                    super.onStart(closeable);
                    stream.set(closeable);
                    started.countDown();
                }

                @Override
                public void onNext(Event event) {
                    if (failuresInARow.getAndSet(0) > 0) {
                        LOG.info("Docker event stream at {} is back", host);
                    }
                    deliver(event);
                }

                @Override
                public void onError(Throwable throwable) {
                    started.countDown(); // nobody waits for a stream that cannot open
                    if (!closed.get() && failuresInARow.getAndIncrement() == 0) {
                        LOG.warn("Docker event stream at {} failed: {}; reopening every {}s", host,
                                describe(throwable), RESUBSCRIBE_DELAY.toSeconds());
                    }
                    reopen();
                }

                @Override
                public void onComplete() {
                    reopen();
                }
            });
        }

        private void reopen() {
            if (closed.get()) {
                return;
            }
            long from = lastEventSecond.get();
            try {
                resubscriber.schedule(() -> open(from > 0 ? Optional.of(from) : Optional.of(Instant.now().getEpochSecond())),
                        RESUBSCRIBE_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the executor is closing
            }
        }

        void awaitStarted(Duration timeout) {
            try {
                if (!started.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("the Docker event stream at {} did not open within {}s; events may come late",
                            host, timeout.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void deliver(Event event) {
            if (event.getTime() != null) {
                lastEventSecond.accumulateAndGet(event.getTime(), Math::max);
            }
            ContainerEvent.Type type;
            String action = event.getAction() != null ? event.getAction() : nonEmpty(event.getStatus());
            Optional<ContainerEvent.Type> known = eventType(action);
            if (known.isEmpty()) {
                return;
            }
            type = known.get();
            Map<String, String> attributes = event.getActor() == null || event.getActor().getAttributes() == null
                    ? Map.of() : event.getActor().getAttributes();
            if (!inScope(attributes)) {
                return;
            }
            Optional<Integer> exit = Optional.empty();
            try {
                exit = Optional.ofNullable(attributes.get("exitCode")).map(Integer::parseInt);
            } catch (NumberFormatException e) {
                // a hint only
            }
            Instant time = event.getTimeNano() != null ? Instant.ofEpochSecond(0, event.getTimeNano())
                    : Instant.ofEpochSecond(event.getTime() == null ? 0 : event.getTime());
            String id = event.getId() != null ? event.getId() : event.getActor() == null ? "" : event.getActor().getId();
            try {
                listener.onEvent(new ContainerEvent(id, attributes.get(ContainerLabels.TASK_ID), type, exit, time));
            } catch (RuntimeException e) {
                LOG.error("container event listener failed on {} {}", action, id, e);
            }
        }

        @Override
        public void close() {
            closed.set(true);
            Closeable s = stream.getAndSet(null);
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    LOG.debug("closing the event stream: {}", e.toString());
                }
            }
        }
    }

    @Override
    public AutoCloseable logs(String containerId, Optional<Instant> since, boolean follow, Consumer<LogLine> sink)
            throws ExecutorException {
        var cmd = docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withFollowStream(follow);
        since.ifPresent(s -> cmd.withSince((int) s.getEpochSecond()));
        ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            private final StringBuilder[] partial = {new StringBuilder(), new StringBuilder()};

            @Override
            public void onNext(Frame frame) {
                boolean stderr = frame.getStreamType() == StreamType.STDERR;
                StringBuilder buf = partial[stderr ? 1 : 0];
                buf.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                int nl;
                while ((nl = buf.indexOf("\n")) >= 0) {
                    sink.accept(new LogLine(stderr, buf.substring(0, nl)));
                    buf.delete(0, nl + 1);
                }
            }

            @Override
            public void onComplete() {
                for (int i = 0; i < 2; i++) {
                    if (partial[i].length() > 0) {
                        sink.accept(new LogLine(i == 1, partial[i].toString()));
                        partial[i].setLength(0);
                    }
                }
                super.onComplete();
            }
        };
        try {
            cmd.exec(callback);
        } catch (NotFoundException e) {
            throw new ExecutorException.EngineFailure("no such container: " + containerId, e);
        } catch (RuntimeException e) {
            throw new ExecutorException.EngineFailure("cannot read the logs of " + containerId + ": " + describe(e), e);
        }
        return callback;
    }

    private static ExecutorException failure(String what, RuntimeException e, String image) {
        if (e instanceof NotFoundException nf && engineMessage(nf).startsWith("No such image")) {
            return new ExecutorException.ImageNotFound(image, e);
        }
        return new ExecutorException.EngineFailure(what + ": " + describe(e), e);
    }

    /** The engine's own sentence out of docker-java's {@code Status 404: {"message":"…"}}. */
    static String engineMessage(DockerException e) {
        String text = e.getMessage() == null ? "" : e.getMessage();
        int brace = text.indexOf('{');
        if (brace >= 0) {
            try {
                JsonNode node = Codec.json().readTree(text.substring(brace));
                if (node.hasNonNull("message")) {
                    return node.get("message").asText().strip();
                }
            } catch (IOException | RuntimeException ignored) {
                // not JSON: use the text as it is
            }
        }
        return text.replaceFirst("^Status \\d+: ", "").strip();
    }

    private static String describe(Throwable e) {
        if (e instanceof DockerException de) {
            return engineMessage(de);
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    @Override
    public void close() {
        imageCommands.close();
        resubscriber.shutdownNow();
        try {
            docker.close();
        } catch (IOException e) {
            LOG.debug("closing the Docker client: {}", e.toString());
        }
    }
}
