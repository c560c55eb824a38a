package dev.berth.agent.executor;

import java.io.IOException;

/**
 * Gives a started container its link to the cluster network, as a CNI plugin does: the engine
 * starts the container without a network ({@code --network none}), and the plumber puts a veth
 * pair between the container's namespace and the node's bridge, with the container's address and
 * default route. The container's process waits for that link before it runs the task's command
 * ({@link EntrypointWrapper}). Doing this instead of attaching the container to the engine's
 * network saves the engine's per-container network work (its embedded DNS server and the rules
 * for it in every container), which costs about a quarter more engine time per container.
 */
public interface NetworkPlumber {

    /**
     * Links the container whose first process is {@code pid} to the attachment's bridge at the
     * attachment's address; idempotent, so that a half-made link is completed.
     *
     * @param containerId the container's id (names the host side of the link)
     * @throws IOException when the link cannot be made (the message says why)
     */
    void connect(long pid, String containerId, NetworkAttachment attachment) throws IOException;

    /** Whether the host side of the container's link exists and is up. */
    boolean connected(String containerId) throws IOException;
}
