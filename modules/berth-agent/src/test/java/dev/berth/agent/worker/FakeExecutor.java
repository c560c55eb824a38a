package dev.berth.agent.worker;

import dev.berth.agent.executor.ContainerEvent;
import dev.berth.agent.executor.ContainerEventListener;
import dev.berth.agent.executor.ContainerInfo;
import dev.berth.agent.executor.ContainerLabels;
import dev.berth.agent.executor.Executor;
import dev.berth.agent.executor.ExecutorException;
import dev.berth.agent.executor.NetworkAttachment;
import dev.berth.api.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory engine for the worker's tests: records calls and lets the test fire events. */
final class FakeExecutor implements Executor {

    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final Map<String, ContainerInfo> containers = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<String, ExecutorException> prepareFailures = new LinkedHashMap<>();
    final Map<String, ExecutorException> startFailures = new LinkedHashMap<>();
    /** Addresses some container the worker does not know holds: a start with one fails as the engine's does. */
    final java.util.Set<String> addressesInUse = new java.util.HashSet<>();
    /** The cluster network each container was created on, by container id. */
    final Map<String, NetworkAttachment> attachments = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<ContainerEventListener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public String prepare(Task task, Optional<NetworkAttachment> network) throws ExecutorException {
        calls.add("prepare " + task.id());
        ExecutorException failure = prepareFailures.get(task.id());
        if (failure != null) {
            throw failure;
        }
        String id = "c-" + task.id();
        network.ifPresent(n -> attachments.put(id, n));
        containers.put(id, new ContainerInfo(id, ContainerLabels.containerName(task), ContainerLabels.of(task), false,
                -1, ""));
        return id;
    }

    @Override
    public void start(String containerId) throws ExecutorException {
        calls.add("start " + containerId);
        ContainerInfo c = containers.get(containerId);
        ExecutorException failure = startFailures.get(c.taskId());
        if (failure != null) {
            throw failure;
        }
        NetworkAttachment network = attachments.get(containerId);
        if (network != null && addressesInUse.contains(network.address())) {
            throw new ExecutorException.StartFailed("Address already in use", null);
        }
        containers.put(containerId, with(c, true, -1,
                network != null ? network.address() : "10.0.0." + containers.size()));
    }

    @Override
    public void shutdown(String containerId, String stopSignal, Duration gracePeriod) {
        calls.add("shutdown " + containerId + " " + stopSignal + " " + gracePeriod.toSeconds() + "s");
        ContainerInfo c = containers.get(containerId);
        if (c != null && c.running()) {
            containers.put(containerId, with(c, false, 143, ""));
            fire(containerId, ContainerEvent.Type.DIE, Optional.of(143));
        }
    }

    @Override
    public void remove(String containerId) {
        calls.add("remove " + containerId);
        containers.remove(containerId);
    }

    @Override
    public void reconnect(String containerId) {
        calls.add("reconnect " + containerId);
    }

    @Override
    public Optional<ContainerInfo> inspect(String containerId) {
        return Optional.ofNullable(containers.get(containerId));
    }

    @Override
    public List<ContainerInfo> listManaged() {
        synchronized (containers) {
            return List.copyOf(containers.values());
        }
    }

    @Override
    public AutoCloseable subscribe(ContainerEventListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The container's process ends with {@code exitCode}; the engine says so. */
    void exit(String containerId, int exitCode) {
        containers.computeIfPresent(containerId, (k, c) -> with(c, false, exitCode, ""));
        fire(containerId, ContainerEvent.Type.DIE, Optional.of(exitCode));
    }

    void fire(String containerId, ContainerEvent.Type type, Optional<Integer> exit) {
        ContainerInfo c = containers.get(containerId);
        String taskId = c == null ? "" : c.taskId();
        for (ContainerEventListener l : listeners) {
            l.onEvent(new ContainerEvent(containerId, taskId, type, exit, Instant.EPOCH));
        }
    }

    /** The engine's health check of the container says {@code health}; the engine announces it. */
    void health(String containerId, String health) {
        containers.computeIfPresent(containerId, (k, c) -> new ContainerInfo(c.id(), c.name(), c.labels(),
                c.running(), c.exitCode(), c.ipAddress(), c.startedAt(), health));
        fire(containerId, "healthy".equals(health) ? ContainerEvent.Type.HEALTHY : ContainerEvent.Type.UNHEALTHY,
                Optional.empty());
    }

    /** A container the engine already has (left by an earlier agent). */
    void existing(String id, Task task, boolean running, int exitCode) {
        existing(id, task, running, exitCode, running ? "10.0.9.9" : "");
    }

    /** A container the engine already has, at {@code ip}. */
    void existing(String id, Task task, boolean running, int exitCode, String ip) {
        containers.put(id, new ContainerInfo(id, ContainerLabels.containerName(task), ContainerLabels.of(task), running,
                exitCode, ip));
    }

    static ContainerInfo with(ContainerInfo c, boolean running, int exit, String ip) {
        return new ContainerInfo(c.id(), c.name(), c.labels(), running, exit, ip);
    }
}
