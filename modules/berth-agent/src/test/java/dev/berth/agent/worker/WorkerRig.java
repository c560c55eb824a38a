package dev.berth.agent.worker;

import dev.berth.agent.RunningTask;
import dev.berth.agent.executor.DockerExecutor;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import dev.berth.testkit.DockerTestEnv;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Task workers on the real engine for integration tests, as a node of their own: a fresh node id
 * (the engine is shared, and a worker sees only its node's containers), the status updates and
 * running tasks they report, and on {@link #close()} every worker and executor closed (newest
 * first) and the node's containers removed.
 */
final class WorkerRig implements AutoCloseable {

    private final DockerTestEnv docker;
    private final String nodeId;
    private final List<TaskStatusUpdate> updates = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Map<String, RunningTask>> running = new AtomicReference<>(Map.of());
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** @param nodePrefix the start of the node id, to tell the tests' containers apart */
    WorkerRig(DockerTestEnv docker, String nodePrefix) {
        this.docker = docker;
        this.nodeId = nodePrefix + UUID.randomUUID().toString().substring(0, 8);
    }

    String nodeId() {
        return nodeId;
    }

    List<TaskStatusUpdate> updates() {
        return updates;
    }

    AtomicReference<Map<String, RunningTask>> running() {
        return running;
    }

    /** A started worker (4 threads) on a Docker executor of its own, both closed with the rig. */
    TaskWorker newWorker() {
        DockerExecutor executor = new DockerExecutor(docker.host(), () -> Optional.of(nodeId));
        closeables.add(executor);
        TaskWorker worker = new TaskWorker(executor, updates::add, running::set, Clock.systemUTC(), 4).start();
        closeables.add(worker);
        return worker;
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        docker.removeContainers("berth.node.id=" + nodeId);
    }
}
