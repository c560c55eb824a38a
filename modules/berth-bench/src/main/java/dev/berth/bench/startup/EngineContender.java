package dev.berth.bench.startup;

import com.github.dockerjava.api.DockerClient;
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

    /** Label on every container this contender makes, valued with the run's name; removal goes by it. */
    static final String LABEL = "dev.berth.bench";

    private final DockerClient docker;
    private final String image;
    private final int threads;

    public EngineContender(DockerClient docker, String image, int threads) {
        this.docker = docker;
        this.image = image;
        this.threads = threads;
    }

    @Override
    public String name() {
        return "engine";
    }

    @Override
    public Timing start(String name, int replicas, Duration timeout) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            List<Future<Double>> started = new ArrayList<>();
            for (int i = 1; i <= replicas; i++) {
                String container = name + "." + i;
                started.add(pool.submit(() -> {
                    String id = docker.createContainerCmd(image).withName(container)
                            .withLabels(Map.of(LABEL, name)).exec().getId();
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
