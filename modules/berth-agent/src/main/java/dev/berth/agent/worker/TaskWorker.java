package dev.berth.agent.worker;

import dev.berth.agent.AssignmentHandler;
import dev.berth.agent.LocalTasksListener;
import dev.berth.agent.RunningTask;
import dev.berth.agent.StatusPublisher;
import dev.berth.agent.TaskAdmission;
import dev.berth.agent.executor.ContainerEvent;
import dev.berth.agent.executor.ContainerInfo;
import dev.berth.agent.executor.Executor;
import dev.berth.agent.executor.ExecutorException;
import dev.berth.agent.health.HealthProbes;
import dev.berth.agent.health.ScheduledHealthProbes;
import dev.berth.agent.network.ContainerAddresses;
import dev.berth.agent.network.ContainerNetwork;
import dev.berth.api.Task;
import dev.berth.api.session.SessionMessage.Assignments;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The node's task worker: receives assignments from the session, runs each task through the
 * {@link Executor} and reports its states to the {@link StatusPublisher}, in order and never
 * backwards. Each task has its own serial queue on a small thread pool, so engine calls (which
 * block) never hold up the session, and one task's steps and container events never race.
 * On every full assignment set it lists the managed containers and adopts or removes them
 * ({@link Adoption}), so that nothing runs twice after a restart.
 *
 * <p>On the cluster network ({@link #withClusterNetwork}) each task's container gets the lowest
 * free address of the node's subnet ({@link ContainerAddresses}, rebuilt from the adopted
 * containers), and the address goes into the task's status updates from STARTING on. Tasks
 * assigned before the node's network exists wait, unreported, until {@link #networkReady}.
 *
 * <p>Tasks with a health check report their health with RUNNING and each change after it (see
 * {@link TaskRunner}): {@code cmd} checks from the engine's events, {@code httpGet}/{@code tcp}
 * checks from the agent's own {@link HealthProbes}, which need the cluster network.
 *
 * <pre>{@code
 * TaskWorker worker = new TaskWorker(executor, session, LocalTasksListener.NONE, Clock.systemUTC(), 8).start();
 * // the session calls worker.onAssignments(...)
 * }</pre>
 */
public final class TaskWorker implements AssignmentHandler, AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(TaskWorker.class);
    /** Used for strays, whose template is unknown; the engine applies the container's own stop signal. */
    private static final Duration STRAY_GRACE = Duration.ofSeconds(10);

    private final Executor executor;
    private final StatusPublisher publisher;
    private final LocalTasksListener tasksListener;
    private final Clock clock;
    private final ExecutorService pool;
    private final boolean ownsPool;
    private final SerialQueue control;
    private final Map<String, TaskRunner> runners = new ConcurrentHashMap<>();
    private final Map<String, RunningTask> running = new LinkedHashMap<>();
    private volatile AutoCloseable subscription;
    /** The agent's prober of httpGet/tcp checks; made when first needed (most tasks have none). */
    private HealthProbes healthProbes;
    private boolean closed;
    private volatile TaskAdmission admission = TaskAdmission.ALL;
    /** The addresses of the cluster network; null when containers go on the engine's default network. */
    private volatile ContainerAddresses addresses;
    private volatile Optional<ContainerNetwork.Ready> network = Optional.empty();
    /** Tasks waiting for the node's network, in the order they came (so addresses follow it). */
    private final Set<TaskRunner> held = java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());

    /**
     * A worker with its own pool of {@code threads} threads.
     *
     * @param executor runs the containers
     * @param publisher receives every task state change
     * @param tasksListener told the set of running tasks after each change
     * @param clock stamps the updates
     * @param threads how many engine calls may run at once
     */
    public TaskWorker(Executor executor, StatusPublisher publisher, LocalTasksListener tasksListener, Clock clock,
            int threads) {
        this(executor, publisher, tasksListener, clock, newPool(threads), true);
    }

    /** A worker on a pool the caller owns (and shuts down). */
    public TaskWorker(Executor executor, StatusPublisher publisher, LocalTasksListener tasksListener, Clock clock,
            ExecutorService pool) {
        this(executor, publisher, tasksListener, clock, pool, false);
    }

    private TaskWorker(Executor executor, StatusPublisher publisher, LocalTasksListener tasksListener, Clock clock,
            ExecutorService pool, boolean ownsPool) {
        this.executor = executor;
        this.publisher = publisher;
        this.tasksListener = tasksListener;
        this.clock = clock;
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.control = new SerialQueue(pool, "assignments");
    }

    private static ExecutorService newPool(int threads) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "berth-task-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs the {@code httpGet}/{@code tcp} health checks with {@code probes} (default: a
     * {@link ScheduledHealthProbes} on this worker's clock, made at the first such task). The
     * worker closes them.
     */
    public TaskWorker withHealthProbes(HealthProbes probes) {
        synchronized (this) {
            this.healthProbes = probes;
        }
        return this;
    }

    /** Sets the check every new task must pass before it is prepared (default: none). */
    public TaskWorker withAdmission(TaskAdmission check) {
        this.admission = check;
        return this;
    }

    /**
     * Puts new tasks' containers on the cluster network, at addresses from {@code addresses}; they
     * wait until {@link #networkReady} says the node's network exists. Call before {@link #start}.
     */
    public TaskWorker withClusterNetwork(ContainerAddresses containerAddresses) {
        this.addresses = containerAddresses;
        return this;
    }

    /**
     * The node's network exists (called after every successful application of a network map):
     * the tasks waiting for it are prepared now.
     */
    public void networkReady(ContainerNetwork.Ready ready) {
        ContainerAddresses a = addresses;
        if (a == null) {
            return;
        }
        a.setSubnet(ready.subnet());
        network = Optional.of(ready);
        List<TaskRunner> waiting;
        synchronized (held) {
            waiting = List.copyOf(held);
            held.clear();
        }
        waiting.forEach(TaskRunner::resume);
    }

    /** Subscribes to the executor's container events; call before the session starts. */
    public TaskWorker start() {
        subscription = executor.subscribe(this::onContainerEvent);
        return this;
    }

    @Override
    public void onAssignments(Assignments assignments) {
        control.submit(() -> apply(assignments));
    }

    private void apply(Assignments assignments) {
        if (assignments.full()) {
            applyFull(assignments.tasks());
            return;
        }
        for (Task task : assignments.tasks()) {
            TaskRunner runner = runners.get(task.id());
            if (runner != null) {
                runner.update(task);
            } else {
                newRunner(task).begin();
            }
        }
        for (String id : assignments.removed()) {
            TaskRunner runner = runners.get(id);
            if (runner != null) {
                runner.leave();
            }
        }
    }

    private void applyFull(List<Task> tasks) {
        Map<String, Task> assigned = new LinkedHashMap<>();
        for (Task t : tasks) {
            assigned.put(t.id(), t);
        }
        Map<String, Optional<String>> owned = new HashMap<>();
        runners.forEach((id, r) -> owned.put(id, r.containerId()));
        for (TaskRunner r : runners.values()) {
            if (!assigned.containsKey(r.taskId())) {
                r.leave();
            }
        }
        Adoption.Plan plan;
        try {
            plan = Adoption.decide(assigned, executor.listManaged(), owned);
        } catch (ExecutorException e) {
            // Without the list nothing can be adopted; new tasks still start (a leftover with the
            // same name is replaced when its container is created).
            LOG.warn("cannot list the managed containers, adopting none: {}", e.getMessage());
            plan = new Adoption.Plan(Map.of(), Map.of(), List.of());
        }
        ContainerAddresses a = addresses;
        if (a != null) {
            // before any new task takes an address: the adopted containers keep theirs
            for (ContainerInfo adopted : plan.adopt().values()) {
                a.reserve(adopted.taskId(), adopted.ipAddress());
            }
        }
        for (ContainerInfo stray : plan.remove()) {
            LOG.info("removing container {} ({}): its task is not assigned here or runs elsewhere", stray.name(),
                    shortId(stray.id()));
            pool.execute(() -> {
                try {
                    if (stray.running()) {
                        executor.shutdown(stray.id(), "", STRAY_GRACE);
                    }
                    executor.remove(stray.id());
                } catch (ExecutorException e) {
                    LOG.warn("cannot remove container {}: {}", stray.name(), e.getMessage());
                }
            });
        }
        for (Task task : assigned.values()) {
            TaskRunner runner = runners.get(task.id());
            if (runner != null) {
                runner.update(task);
                continue;
            }
            runner = newRunner(task);
            ContainerInfo adopted = plan.adopt().get(task.id());
            ContainerInfo finished = plan.finished().get(task.id());
            if (adopted != null) {
                LOG.info("adopting container {} ({}) of task {}", adopted.name(), shortId(adopted.id()), task.id());
                runner.adopt(adopted);
            } else if (finished != null) {
                runner.finishedMeanwhile(finished);
            } else {
                runner.begin();
            }
        }
    }

    private TaskRunner newRunner(Task task) {
        TaskRunner runner = new TaskRunner(task, this);
        runners.put(task.id(), runner);
        return runner;
    }

    private void onContainerEvent(ContainerEvent event) {
        TaskRunner runner = runners.get(event.taskId());
        if (runner == null) {
            return;
        }
        runner.onEvent(event);
    }

    // --- what runners use ---

    Executor executor() {
        return executor;
    }

    ExecutorService pool() {
        return pool;
    }

    TaskAdmission admission() {
        return admission;
    }

    Clock clock() {
        return clock;
    }

    synchronized HealthProbes healthProbes() {
        if (closed) {
            throw new IllegalStateException("the worker is closed");
        }
        if (healthProbes == null) {
            healthProbes = new ScheduledHealthProbes(clock);
        }
        return healthProbes;
    }

    /** The cluster network's addresses, or empty when tasks use the engine's default network. */
    Optional<ContainerAddresses> addresses() {
        return Optional.ofNullable(addresses);
    }

    /** The node's network once it exists. */
    Optional<ContainerNetwork.Ready> network() {
        return network;
    }

    /** {@code runner} waits for the node's network; it is resumed by {@link #networkReady}. */
    void hold(TaskRunner runner) {
        held.add(runner);
        // the network may have come up between the runner's check and now
        if (network.isPresent() && held.remove(runner)) {
            runner.resume();
        }
    }

    /** The task's container is gone: its address is free again. */
    void release(String taskId) {
        ContainerAddresses a = addresses;
        if (a != null) {
            a.release(taskId);
        }
    }

    void publish(dev.berth.api.session.SessionMessage.TaskStatusUpdate update) {
        try {
            publisher.publish(update);
        } catch (RuntimeException e) {
            LOG.error("the status publisher failed on {}", update, e);
        }
    }

    /** A runner is done with its task (shut down and removed): forget it. */
    void forget(TaskRunner runner) {
        runners.remove(runner.taskId(), runner);
    }

    /** A task started running ({@code task} present) or stopped (empty). */
    void runningChanged(String taskId, Optional<RunningTask> task) {
        Map<String, RunningTask> snapshot;
        synchronized (running) {
            boolean changed = task.isPresent() ? !task.get().equals(running.put(taskId, task.get()))
                    : running.remove(taskId) != null;
            if (!changed) {
                return;
            }
            snapshot = Map.copyOf(running);
            try {
                tasksListener.onRunningTasks(snapshot);
            } catch (RuntimeException e) {
                LOG.error("the local tasks listener failed", e);
            }
        }
    }

    /** The tasks this worker drives now, by id, with the state it last reported (for tests and status). */
    public Map<String, dev.berth.api.TaskState> taskStates() {
        Map<String, dev.berth.api.TaskState> out = new HashMap<>();
        runners.forEach((id, r) -> out.put(id, r.state()));
        return Map.copyOf(out);
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** Stops listening to events and stops the pool; containers keep running (a new agent adopts them). */
    @Override
    public void close() {
        HealthProbes probes;
        synchronized (this) {
            closed = true;
            probes = healthProbes;
        }
        if (probes != null) {
            probes.close();
        }
        AutoCloseable s = subscription;
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("closing the event subscription: {}", e.toString());
            }
        }
        if (ownsPool) {
            // Steps under way (a stop waiting out its grace period) get a moment to finish; what
            // is cut short is set right by the next agent's adoption.
            pool.shutdown();
            try {
                if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
