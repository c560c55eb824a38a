package dev.berth.agent.worker;

import dev.berth.agent.RunningTask;
import dev.berth.agent.executor.ContainerEvent;
import dev.berth.agent.executor.ContainerInfo;
import dev.berth.agent.executor.ExecutorException;
import dev.berth.agent.executor.NetworkAttachment;
import dev.berth.agent.network.ContainerAddresses;
import dev.berth.agent.network.ContainerNetwork;
import dev.berth.agent.health.HealthTracker;
import dev.berth.api.HealthCheck;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Drives one task through its states. Every step and every container event of the task runs on
 * the task's {@link SerialQueue}, so they never overlap; a state is only reported when
 * {@link TaskState#canMoveTo} allows it, so reports never go backwards.
 *
 * <p>A task with a health check reports {@code starting} with its RUNNING update, then each
 * change ({@code healthy}, {@code unhealthy}) as another RUNNING update: the engine announces
 * those of a {@code cmd} check in its events, the agent's own prober those of an {@code httpGet}
 * or {@code tcp} check. An unhealthy task's container is stopped and the task FAILS with
 * {@code unhealthy container}; the manager's restart policy replaces it.
 */
final class TaskRunner {

    private static final Logger LOG = LogManager.getLogger(TaskRunner.class);

    private final TaskWorker worker;
    private final SerialQueue queue;
    private final String taskId;
    private volatile Task task;
    /** The state last reported (or the manager's, for a task known before). */
    private volatile TaskState state;
    private volatile String containerId = "";
    /** How many addresses a task tries when the engine says one is in use. */
    private static final int MAX_ADDRESS_ATTEMPTS = 16;
    /** The holder name of an address some other container uses. */
    private static final String FOREIGN_ADDRESS = "foreign:";
    private int addressAttempts;

    /** The container's address on the cluster network, reported from STARTING on; empty if none. */
    private volatile String address = "";
    /** Whether the task waits for the node's network (logged once). */
    private boolean waitingLogged;
    private volatile boolean shutdownRequested;
    /** Whether the container's process was started by us or found running. */
    private boolean started;
    /** The engine's start events of the container seen so far (on the task's queue). */
    private int startEvents;
    /** The health reported with every update from RUNNING on; empty without a health check. */
    private volatile String health = "";
    /** The message of the RUNNING update, repeated by health updates. */
    private String runningMessage = "started";
    /** The agent's prober of this task's container, while it runs ({@code httpGet}/{@code tcp} checks). */
    private AutoCloseable prober;

    /** Why a task with an {@code httpGet} or {@code tcp} check cannot run without the cluster network. */
    static final String PROBES_NEED_NETWORK = "httpGet/tcp health checks need the cluster network "
            + "(the agent probes the container's cluster address; this node has none)";
    /** The error of a task stopped for failing its health check (Swarm's wording). */
    static final String UNHEALTHY_ERROR = "unhealthy container";

    TaskRunner(Task task, TaskWorker worker) {
        this.worker = worker;
        this.task = task;
        this.taskId = task.id();
        this.state = task.status().state();
        this.queue = new SerialQueue(worker.pool(), "task " + task.id());
    }

    String taskId() {
        return taskId;
    }

    TaskState state() {
        return state;
    }

    /** The container id once known; empty (not absent) while it is being created. */
    Optional<String> containerId() {
        String id = containerId;
        return id.isEmpty() ? Optional.empty() : Optional.of(id);
    }

    // --- entry points (any thread) ---

    void begin() {
        if (task.spec().desiredState().ordinal() > TaskState.RUNNING.ordinal()) {
            requestShutdown(false);
        } else {
            queue.submit(this::prepare);
        }
    }

    void update(Task newTask) {
        this.task = newTask;
        if (newTask.spec().desiredState().ordinal() > TaskState.RUNNING.ordinal()) {
            requestShutdown(false);
        }
    }

    /** The task is no longer assigned to this node. */
    void leave() {
        requestShutdown(true);
    }

    /** The node's network exists: prepare the task that waited for it. */
    void resume() {
        queue.submit(this::prepare);
    }

    void adopt(ContainerInfo container) {
        queue.submit(() -> {
            containerId = container.id();
            started = true;
            startEvents = 1; // the start it was found in
            if (shutdownRequested) {
                return;
            }
            // Inspected again: it may have died between the listing and now, before its events
            // reached this task; and the inspect tells when it started.
            ContainerInfo now = container;
            try {
                Optional<ContainerInfo> found = worker.executor().inspect(container.id());
                if (found.isEmpty()) {
                    fail("the task's container was removed", -1);
                    return;
                }
                now = found.get();
            } catch (ExecutorException e) {
                LOG.warn("cannot inspect adopted container {}: {}", container.name(), e.getMessage());
            }
            if (worker.addresses().isPresent()) {
                address = now.ipAddress();
                if (now.running()) {
                    try {
                        worker.executor().reconnect(container.id());
                    } catch (ExecutorException e) {
                        LOG.warn("adopted container {} has no network: {}", container.name(), e.getMessage());
                    }
                }
            }
            HealthCheck check = task.spec().template().healthCheck();
            String resumed = "";
            if (now.running() && !check.isNone()) {
                // A cmd check's health is the engine's; a probe's restarts from what the manager
                // knew, so a healthy task does not leave the endpoints until its next probe.
                resumed = !check.cmd().isEmpty() ? (now.health().isEmpty() ? HealthTracker.STARTING : now.health())
                        : HealthTracker.HEALTHY.equals(task.status().health()) ? HealthTracker.HEALTHY
                        : HealthTracker.STARTING;
                health = resumed;
            }
            // Reported even when the manager saw RUNNING already: it learns the container id.
            runningMessage = "adopted after an agent restart";
            if (state.canMoveTo(TaskState.RUNNING)) {
                publish(TaskState.RUNNING, runningMessage, "", -1,
                        now.startedAt().orElse(worker.clock().instant()));
            }
            if (now.running()) {
                worker.runningChanged(taskId, Optional.of(new RunningTask(task, now.ipAddress(), now.id())));
                if (HealthTracker.UNHEALTHY.equals(resumed) && state == TaskState.RUNNING) {
                    unhealthy();
                } else {
                    watchHealth(now.startedAt().orElse(worker.clock().instant()), resumed);
                }
            } else {
                exited(now.exitCode());
            }
        });
    }

    /** The task's container stopped while no agent watched: report how it ended, then remove it. */
    void finishedMeanwhile(ContainerInfo container) {
        queue.submit(() -> {
            containerId = container.id();
            started = true;
            exited(container.exitCode());
            removeContainer();
        });
    }

    void onEvent(ContainerEvent event) {
        queue.submit(() -> handle(event));
    }

    private void requestShutdown(boolean leaving) {
        boolean first = !shutdownRequested;
        shutdownRequested = true;
        if (first || leaving) {
            queue.submit(() -> shutdown(leaving));
        }
    }

    // --- steps (on the task's queue) ---

    private void prepare() {
        if (shutdownRequested || state.isTerminal()) {
            return;
        }
        if (task.spec().desiredState() != TaskState.RUNNING) {
            return;
        }
        if (state.ordinal() >= TaskState.RUNNING.ordinal()) {
            // The manager saw it running but there is no container for it here any more.
            fail("the task's container is gone from this node", -1);
            return;
        }
        Optional<ContainerAddresses> addresses = worker.addresses();
        Optional<ContainerNetwork.Ready> network = worker.network();
        if (addresses.isPresent() && network.isEmpty()) {
            if (!waitingLogged) {
                LOG.info("task {} waits for this node's cluster network (no subnet yet, or its Docker "
                        + "network cannot be set up)", taskId);
                waitingLogged = true;
            }
            worker.hold(this);
            return;
        }
        Optional<String> refusal;
        try {
            refusal = worker.admission().refusal(task);
        } catch (RuntimeException e) {
            refusal = Optional.of("cannot check the task on this node: " + e.getMessage());
        }
        if (refusal.isEmpty() && probedByAgent(task.spec().template().healthCheck()) && addresses.isEmpty()) {
            refusal = Optional.of(PROBES_NEED_NETWORK);
        }
        if (refusal.isPresent()) {
            LOG.info("task {} refused on this node: {}", taskId, refusal.get());
            fail(refusal.get(), -1);
            return;
        }
        move(TaskState.ACCEPTED, "accepted", "", -1);
        move(TaskState.PREPARING, "preparing", "", -1);
        if (!createContainer()) {
            return;
        }
        move(TaskState.READY, "prepared", "", -1);
        // Started in the same step, as the engine's own `docker run` does: queued behind every
        // other task's create, the first replicas would run only once all were created. A
        // shutdown that arrived while preparing is seen by start()'s check of the flag.
        start();
    }

    /**
     * Creates the task's container, on the cluster network with a free address when the node has
     * one; fails the task when it cannot.
     *
     * @return whether there is a container
     */
    private boolean createContainer() {
        Optional<ContainerAddresses> addresses = worker.addresses();
        Optional<NetworkAttachment> attachment = Optional.empty();
        if (addresses.isPresent()) {
            ContainerNetwork.Ready net = worker.network().orElseThrow();
            Optional<String> ip = addresses.get().allocate(taskId);
            if (ip.isEmpty()) {
                fail("no free address in this node's subnet " + net.subnet(), -1);
                return false;
            }
            attachment = Optional.of(new NetworkAttachment(net.networkName(), net.bridgeName(), ip.get(),
                    net.subnet().prefix(), net.gateway(), List.of(net.gateway())));
        }
        try {
            containerId = worker.executor().prepare(task, attachment);
        } catch (ExecutorException e) {
            LOG.info("task {} failed to prepare: {}", taskId, e.getMessage());
            worker.release(taskId);
            fail(e.getMessage(), -1);
            return false;
        }
        address = attachment.map(NetworkAttachment::address).orElse("");
        return true;
    }

    private static boolean isAddressInUse(ExecutorException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return m.contains("address already in use") || m.contains("address already assigned");
    }

    private void start() {
        if (shutdownRequested || state.isTerminal()) {
            return;
        }
        move(TaskState.STARTING, "starting", "", -1);
        try {
            worker.executor().start(containerId);
        } catch (ExecutorException e) {
            Optional<ContainerAddresses> addresses = worker.addresses();
            if (isAddressInUse(e) && addresses.isPresent() && !address.isEmpty()
                    && addressAttempts < MAX_ADDRESS_ATTEMPTS) {
                // The address is held by a container this agent does not run (left by another
                // cluster, or started by hand on the network): mark it taken, try the next one.
                addressAttempts++;
                String taken = address;
                LOG.warn("address {} is held by a container this agent does not run; task {} tries another",
                        taken, taskId);
                removeContainer();
                addresses.get().reserve(FOREIGN_ADDRESS + taken, taken);
                containerId = "";
                address = "";
                if (createContainer()) {
                    start();
                }
                return;
            }
            LOG.info("task {} failed to start: {}", taskId, e.getMessage());
            fail(e.getMessage(), -1);
            // A container that cannot start is of no use, not even for its logs.
            removeContainer();
            return;
        }
        started = true;
        Instant startedAt = worker.clock().instant();
        if (!task.spec().template().healthCheck().isNone()) {
            health = HealthTracker.STARTING;
        }
        // Reported before the inspect below: the task runs from here on, and the manager (and
        // whoever waits on `service ps`) should hear it without another engine round trip.
        move(TaskState.RUNNING, "started", "", -1);
        // No inspect: the address was chosen before the create (cluster network) or is not needed.
        worker.runningChanged(taskId, Optional.of(new RunningTask(task, address, containerId)));
        watchHealth(startedAt, HealthTracker.STARTING);
    }

    private static boolean probedByAgent(HealthCheck check) {
        return check.httpGet().isPresent() || check.tcp().isPresent();
    }

    /**
     * Starts the agent's prober for an {@code httpGet} or {@code tcp} check (a {@code cmd} check
     * needs nothing: the engine runs it and its events tell).
     */
    private void watchHealth(Instant startedAt, String initial) {
        HealthCheck check = task.spec().template().healthCheck();
        if (!probedByAgent(check) || state != TaskState.RUNNING) {
            return;
        }
        if (address.isEmpty()) {
            LOG.info("task {} cannot be probed: its container has no cluster-network address", taskId);
            stopContainer();
            fail(PROBES_NEED_NETWORK, -1);
            return;
        }
        String watched = containerId;
        try {
            prober = worker.healthProbes().watch(address, check, startedAt, initial,
                    h -> queue.submit(() -> {
                        if (watched.equals(containerId)) {
                            healthChanged(h);
                        }
                    }));
        } catch (RuntimeException e) {
            LOG.error("cannot probe task {}", taskId, e);
        }
    }

    private void stopWatching() {
        AutoCloseable p = prober;
        prober = null;
        if (p != null) {
            try {
                p.close();
            } catch (Exception e) {
                LOG.debug("closing the prober of task {}: {}", taskId, e.toString());
            }
        }
    }

    /** The task's health check says {@code newHealth}: report it; an unhealthy task is stopped. */
    private void healthChanged(String newHealth) {
        if (state != TaskState.RUNNING || shutdownRequested || task.spec().template().healthCheck().isNone()
                || newHealth.equals(health)) {
            return;
        }
        LOG.info("task {} is {}", taskId, newHealth);
        health = newHealth;
        // Same state, new health: the manager keeps it (only the health changed).
        publish(TaskState.RUNNING, runningMessage, "", -1, worker.clock().instant());
        if (HealthTracker.UNHEALTHY.equals(newHealth)) {
            unhealthy();
        }
    }

    /**
     * Stops an unhealthy task's container (its stop signal, its grace period) and fails the task;
     * the container stays until the manager removes the task, for its logs. The die event the
     * stop causes comes after the failure and changes nothing.
     */
    private void unhealthy() {
        stopContainer();
        fail(UNHEALTHY_ERROR, -1);
    }

    private void stopContainer() {
        stopWatching();
        String id = containerId;
        if (id.isEmpty()) {
            return;
        }
        try {
            worker.executor().shutdown(id, task.spec().template().stopSignal(),
                    task.spec().template().stopGracePeriod());
        } catch (ExecutorException e) {
            LOG.warn("cannot stop the container of task {}: {}", taskId, e.getMessage());
        }
    }

    private void handle(ContainerEvent event) {
        if (!event.containerId().equals(containerId) || shutdownRequested || state.isTerminal()) {
            return;
        }
        switch (event.type()) {
            case START -> {
                // The first is the news start() reported already. A later one is a restart by hand
                // (docker restart): the container has a new network namespace, which the agent
                // links again, else its command would wait for a network that never comes.
                if (++startEvents > 1 && started) {
                    try {
                        worker.executor().reconnect(containerId);
                    } catch (ExecutorException e) {
                        LOG.warn("restarted container of task {} has no network: {}", taskId, e.getMessage());
                    }
                }
            }
            case DIE -> {
                int exit = event.exitCode().orElse(-1);
                try {
                    Optional<ContainerInfo> info = worker.executor().inspect(containerId);
                    if (info.isPresent() && info.get().running()) {
                        return; // restarted meanwhile (by hand); a later die tells the end
                    }
                    if (info.isPresent() && info.get().exitCode() >= 0) {
                        exit = info.get().exitCode();
                    }
                } catch (ExecutorException e) {
                    LOG.warn("cannot inspect container of task {} after it died: {}", taskId, e.getMessage());
                }
                exited(exit);
            }
            case DESTROY -> fail("the task's container was removed", -1);
            case HEALTHY -> {
                if (!task.spec().template().healthCheck().cmd().isEmpty()) {
                    healthChanged(HealthTracker.HEALTHY);
                }
            }
            case UNHEALTHY -> {
                if (!task.spec().template().healthCheck().cmd().isEmpty()) {
                    healthChanged(HealthTracker.UNHEALTHY);
                }
            }
            default -> {
            }
        }
    }

    private void exited(int exitCode) {
        stopWatching();
        if (started) {
            move(TaskState.RUNNING, "started", "", -1);
        }
        if (exitCode == 0) {
            move(TaskState.COMPLETE, "finished", "", 0);
        } else {
            move(TaskState.FAILED, "exited", "non-zero exit (" + exitCode + ")", exitCode);
        }
        worker.runningChanged(taskId, Optional.empty());
    }

    private void fail(String error, int exitCode) {
        stopWatching();
        move(TaskState.FAILED, "failed", error, exitCode);
        worker.runningChanged(taskId, Optional.empty());
    }

    private void shutdown(boolean leaving) {
        stopWatching();
        String id = containerId;
        if (!id.isEmpty()) {
            try {
                worker.executor().shutdown(id, task.spec().template().stopSignal(),
                        task.spec().template().stopGracePeriod());
            } catch (ExecutorException e) {
                LOG.warn("cannot stop the container of task {}: {}", taskId, e.getMessage());
            }
        }
        move(TaskState.SHUTDOWN, "shutdown", "", -1);
        worker.runningChanged(taskId, Optional.empty());
        removeContainer();
        if (leaving) {
            worker.forget(this);
        }
    }

    private void removeContainer() {
        String id = containerId;
        if (id.isEmpty()) {
            worker.release(taskId);
            return;
        }
        try {
            worker.executor().remove(id);
            worker.release(taskId);
        } catch (ExecutorException e) {
            // the container (and so its address) may still be there: the address stays taken
            LOG.warn("cannot remove the container of task {}: {}", taskId, e.getMessage());
        }
    }

    /** Reports {@code next} if the task may move there (never backwards, never twice). */
    private void move(TaskState next, String message, String error, int exitCode) {
        if (next == state || !state.canMoveTo(next)) {
            return;
        }
        publish(next, message, error, exitCode, worker.clock().instant());
    }

    private void publish(TaskState next, String message, String error, int exitCode, java.time.Instant at) {
        state = next;
        String reported = next.ordinal() >= TaskState.STARTING.ordinal() ? address : "";
        // From RUNNING on, every update carries the health; a failed or stopped task keeps its last
        // one (describe shows why an unhealthy task was replaced).
        String reportedHealth = next.ordinal() >= TaskState.RUNNING.ordinal() ? health : "";
        worker.publish(new TaskStatusUpdate(taskId, next, message, error, containerId, exitCode, at, reported,
                reportedHealth));
    }
}
