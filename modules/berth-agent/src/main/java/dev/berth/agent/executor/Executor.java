package dev.berth.agent.executor;

import dev.berth.api.Task;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The container engine as the task worker sees it (like swarmkit's {@code exec.Controller}, but
 * keyed by container id so that one object serves every task). Every method may block on the
 * engine: call them from a worker thread, never from an event loop.
 */
public interface Executor {

    /**
     * Makes a container for {@code task}, ready to start: uses the image when present locally,
     * else pulls it, then creates the container (named and labelled after the task).
     *
     * @return the new container's id
     * @throws ExecutorException.ImageNotFound when the image is neither local nor pullable
     */
    default String prepare(Task task) throws ExecutorException {
        return prepare(task, Optional.empty());
    }

    /**
     * Like {@link #prepare(Task)}, with the container on the cluster network at the attachment's
     * address (empty: the engine's default network).
     */
    String prepare(Task task, Optional<NetworkAttachment> network) throws ExecutorException;

    /**
     * Starts a prepared container; returns once the engine says it started and, for a container
     * whose network the executor links itself ({@link NetworkPlumber}), once it is linked.
     *
     * @throws ExecutorException.StartFailed with the engine's reason
     */
    void start(String containerId) throws ExecutorException;

    /**
     * Completes the network link of a running container found after an agent restart, in case
     * the agent died between starting it and linking it; nothing for containers on the engine's
     * network.
     */
    default void reconnect(String containerId) throws ExecutorException {
    }

    /**
     * Asks a container to stop with {@code stopSignal}, killing it after {@code gracePeriod};
     * returns once it stopped. A container already stopped or gone is fine.
     */
    void shutdown(String containerId, String stopSignal, Duration gracePeriod) throws ExecutorException;

    /** Removes a container (stopped or not) and its anonymous volumes; a missing one is fine. */
    void remove(String containerId) throws ExecutorException;

    /** What the engine knows of a container, or empty when it does not exist. */
    Optional<ContainerInfo> inspect(String containerId) throws ExecutorException;

    /** Every container this agent manages (found by its labels), running or not. */
    List<ContainerInfo> listManaged() throws ExecutorException;

    /**
     * Delivers the state changes of managed containers to {@code listener} until the returned
     * handle is closed. Events arrive on the executor's own thread, in the engine's order.
     */
    AutoCloseable subscribe(ContainerEventListener listener);
}
