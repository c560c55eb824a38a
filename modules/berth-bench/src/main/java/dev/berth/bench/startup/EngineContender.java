package dev.berth.bench.startup;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Container;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engine's own bound: N containers created and started through the Docker API by a pool of
 * threads, as fast as the engine takes them; no orchestrator can start N replicas faster on it.
 * A container counts as running when its start call returns (dockerd answers once it runs).
 */
public final class EngineContender implements Contender {

    /**
     * Label on every container this contender makes, valued with the run's name; removal goes by it
     * (also for the rolling-update benchmark's engine containers, which {@link #remove} removes).
     */
    public static final String LABEL = "dev.berth.bench";

    /**
     * The user-defined bridge network of {@code engine-net}: what a Berth node asks of its engine
     * for every task (a container on the node's cluster network, with its own address and the
     * node's DNS server), so that its bound includes that work.
     */
    static final String NETWORK = "berth-bench-net";
    private static final String SUBNET = "10.201.0.0/16";
    private static final String GATEWAY = "10.201.0.1";

    /** Where the containers' network comes from; the name is the system's in the report. */
    public enum Networking {
        /** The engine's default bridge, as {@code docker run} gives: the engine bound. */
        BRIDGE("engine"),
        /**
         * A user-defined bridge network with an address of each container's own and a DNS
         * server: what a Berth node asked of its engine per task before its agent linked
         * containers itself.
         */
        NETWORK("engine-net"),
        /**
         * None at all ({@code NetworkDisabled}): the engine's part of a Berth task whose container
         * the agent links itself, so Berth over it is what Berth itself adds.
         */
        DISABLED("engine-nonet");

        private final String system;

        Networking(String system) {
            this.system = system;
        }

        /** The system's name in the benchmark's options and report. */
        public String system() {
            return system;
        }
    }

    private final DockerClient docker;
    private final String image;
    private final int threads;
    private final Networking networking;

    /** Containers on the engine's default bridge. */
    public EngineContender(DockerClient docker, String image, int threads) {
        this(docker, image, threads, Networking.BRIDGE);
    }

    public EngineContender(DockerClient docker, String image, int threads, Networking networking) {
        this.docker = docker;
        this.image = image;
        this.threads = threads;
        this.networking = networking;
    }

    @Override
    public String name() {
        return networking.system();
    }

    /** Creates the network of {@code engine-net} unless it exists; nothing for the others. */
    public void ensureNetwork() {
        if (networking != Networking.NETWORK) {
            return;
        }
        boolean exists = docker.listNetworksCmd().withNameFilter(NETWORK).exec().stream()
                .anyMatch(n -> NETWORK.equals(n.getName()));
        if (!exists) {
            docker.createNetworkCmd().withName(NETWORK).withDriver("bridge")
                    .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(SUBNET)
                            .withGateway(GATEWAY)))
                    .withLabels(Map.of(LABEL, "network")).exec();
        }
    }

    /**
     * Removes the network of {@code engine-net}, once its containers are gone. The engine
     * sometimes keeps an endpoint of a removed container for a moment (or, after many parallel
     * removals, until it restarts: "has active endpoints"); that is reported, not thrown, since the
     * figures are printed already.
     */
    public void removeNetwork() throws InterruptedException {
        if (networking != Networking.NETWORK) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                docker.listNetworksCmd().withNameFilter(NETWORK).exec().stream()
                        .filter(n -> NETWORK.equals(n.getName()))
                        .forEach(n -> docker.removeNetworkCmd(n.getId()).exec());
                return;
            } catch (com.github.dockerjava.api.exception.DockerException e) {
                if (attempt >= 20) {
                    System.err.println("warning: could not remove Docker network " + NETWORK + ": " + e.getMessage()
                            + " (the engine kept a stale endpoint; restarting dockerd clears it, then "
                            + "docker network rm " + NETWORK + ")");
                    return;
                }
                Thread.sleep(500);
            }
        }
    }

    /**
     * {@code base} with what a container on the {@code engine-net} network needs: the network and
     * its gateway as DNS server, as a Berth node gives its tasks (the address is {@link #address}).
     */
    private static HostConfig onNetwork(HostConfig base) {
        return base.withNetworkMode(NETWORK).withDns(GATEWAY);
    }

    /**
     * {@code create} with {@code host} and this contender's networking; {@code address} is the
     * container's on the {@code engine-net} network ({@link #address}), unused by the others.
     */
    public CreateContainerCmd withNetworking(CreateContainerCmd create, HostConfig host, String address) {
        return switch (networking) {
            case NETWORK -> create.withHostConfig(onNetwork(host)).withIpv4Address(address);
            case DISABLED -> create.withNetworkDisabled(true).withHostConfig(host.withNetworkMode("none"));
            case BRIDGE -> create.withHostConfig(host);
        };
    }

    /** The address of the {@code i}-th container (from 1) on the {@code engine-net} network. */
    public static String address(int i) {
        return "10.201." + (2 + i / 250) + "." + (1 + i % 250);
    }

    @Override
    public Timing start(String name, int replicas, Duration timeout) throws Exception {
        ensureNetwork();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            List<Future<Double>> started = new ArrayList<>();
            for (int i = 1; i <= replicas; i++) {
                String container = name + "." + i;
                String address = address(i);
                started.add(pool.submit(() -> {
                    CreateContainerCmd create = docker.createContainerCmd(image).withName(container)
                            .withLabels(Map.of(LABEL, name));
                    String id = withNetworking(create, HostConfig.newHostConfig(), address).exec().getId();
                    docker.startContainerCmd(id).exec();
                    return Polls.since(t0);
                }));
            }
            double first = Double.MAX_VALUE;
            double all = 0;
            for (Future<Double> f : started) {
                double at = f.get(timeout.toSeconds(), TimeUnit.SECONDS);
                first = Math.min(first, at);
                all = Math.max(all, at);
            }
            return new Timing(0, first, all);
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public void remove(String name, Duration timeout) throws Exception {
        List<Container> mine = docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(LABEL, name)).exec();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> removed = new ArrayList<>();
            for (Container c : mine) {
                removed.add(pool.submit(() -> docker.removeContainerCmd(c.getId()).withForce(true).exec()));
            }
            for (Future<?> f : removed) {
                f.get(timeout.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        if (!docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LABEL, name)).exec().isEmpty()) {
            throw new TimeoutException("containers labelled " + LABEL + "=" + name + " remain after removal");
        }
    }
}
