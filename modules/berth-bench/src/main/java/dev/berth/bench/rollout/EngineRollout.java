package dev.berth.bench.rollout;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.HostConfig;
import dev.berth.bench.startup.EngineContender;
import dev.berth.bench.startup.Polls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The engine's own bound: the containers {@code <name>.<slot>} started through the Docker API,
 * then replaced batch after batch, each slot of a batch in parallel: stop the old container
 * (SIGTERM, wait for it to exit), remove it, create and start the new one. A batch ends when its
 * last new container runs (the start call returns once it does), and the next starts at once.
 * This is the work a stop-first rolling update asks of the engine with no time spent deciding
 * what to do: no orchestrator can roll the replicas faster on it.
 *
 * <p>As {@code engine-net}, every container joins a user-defined bridge network with an address
 * of its own and a DNS server, as in the start-up benchmark: the work a Berth node asks of its
 * engine for a task on the cluster network, which Swarm's tasks without {@code --network} skip.
 */
public final class EngineRollout implements Rollout {

    /** Seconds {@code docker stop} waits for the exit before a kill; the workload exits at once. */
    private static final int STOP_GRACE_SECONDS = 10;

    private final DockerClient docker;
    private final int threads;
    /** The start-up benchmark's engine: its networking and its removal by label serve here too. */
    private final EngineContender engine;

    /**
     * @param threads parallel calls when the old replicas are started (the rollout itself uses its
     *     parallelism)
     * @param networking where the containers' network comes from ({@code engine-net}: the
     *     start-up benchmark's network)
     */
    public EngineRollout(DockerClient docker, int threads, EngineContender.Networking networking) {
        this.docker = docker;
        this.threads = threads;
        // image: never started by it
        this.engine = new EngineContender(docker, "unused", threads, networking);
    }

    @Override
    public String name() {
        return engine.name();
    }

    @Override
    public RolloutTiming run(String name, RolloutPlan plan, Duration timeout) throws Exception {
        engine.ensureNetwork();
        List<List<Integer>> all = List.of(slots(1, plan.replicas()));
        long t0 = System.nanoTime();
        inBatches(all, threads, slot -> start(name, slot, plan.oldImage(), plan.init()), timeout);
        double deployed = Polls.since(t0);

        List<List<Integer>> batches = batches(plan);
        long t1 = System.nanoTime();
        inBatches(batches, plan.batchSize(), slot -> {
            String container = name + "." + slot;
            docker.stopContainerCmd(container).withTimeout(STOP_GRACE_SECONDS).exec();
            docker.removeContainerCmd(container).exec();
            start(name, slot, plan.newImage(), plan.init());
        }, timeout);
        double updated = Polls.since(t1);
        return new RolloutTiming(deployed, updated, updated);
    }

    /**
     * Creates and starts the container of {@code slot}; returns once it runs. On the network a
     * slot keeps its address: its old container is gone when the new one is created (stop-first).
     */
    private void start(String name, int slot, String image, boolean init) {
        CreateContainerCmd create = docker.createContainerCmd(image).withName(name + "." + slot)
                .withLabels(Map.of(EngineContender.LABEL, name));
        HostConfig host = HostConfig.newHostConfig().withInit(init);
        String id = engine.withNetworking(create, host, EngineContender.address(slot)).exec().getId();
        docker.startContainerCmd(id).exec();
    }

    /** The slots of a rolling update in its order: batches of the plan's batch size, slot 1 first. */
    static List<List<Integer>> batches(RolloutPlan plan) {
        List<List<Integer>> batches = new ArrayList<>();
        for (int first = 1; first <= plan.replicas(); first += plan.batchSize()) {
            batches.add(slots(first, Math.min(plan.replicas(), first + plan.batchSize() - 1)));
        }
        return List.copyOf(batches);
    }

    private static List<Integer> slots(int first, int last) {
        List<Integer> slots = new ArrayList<>();
        for (int s = first; s <= last; s++) {
            slots.add(s);
        }
        return List.copyOf(slots);
    }

    /** Work on one slot; may throw (a Docker call failing fails the run). */
    private interface SlotWork {
        void on(int slot) throws Exception;
    }

    /**
     * Runs {@code work} on every slot of each batch in turn, {@code threads} slots at a time; the
     * next batch starts when the last slot of the previous one is done.
     */
    private static void inBatches(List<List<Integer>> batches, int threads, SlotWork work, Duration timeout)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            for (List<Integer> batch : batches) {
                List<Future<?>> done = new ArrayList<>();
                for (int slot : batch) {
                    done.add(pool.submit(() -> {
                        work.on(slot);
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(timeout.toSeconds(), TimeUnit.SECONDS);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public void remove(String name, Duration timeout) throws Exception {
        engine.remove(name, timeout); // the containers carry the start-up benchmark's label
    }

    /** Removes the network of {@code engine-net}, once its containers are gone. */
    public void removeNetwork() throws InterruptedException {
        engine.removeNetwork();
    }
}
