package dev.berth.manager.api;

import dev.berth.api.ByteSize;
import dev.berth.api.Node;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeState;
import dev.berth.api.NodeStatus;
import dev.berth.api.ObjectMeta;
import dev.berth.api.ResourceList;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The body of {@code POST /api/v1/nodes/register}: what an agent (or the manager itself) says
 * about its server.
 *
 * @param id the node id when the node registered before; empty for a new node
 * @param hostname the server's host name
 * @param address the address others reach the node at
 * @param role manager or worker (default worker)
 * @param cpus CPUs offered to tasks
 * @param memory memory offered to tasks
 * @param engineVersion the container engine's version
 * @param labels the node's labels (used only when the node is new; later an operator owns them)
 */
public record NodeRegistration(String id, String hostname, String address, NodeRole role, double cpus,
        ByteSize memory, String engineVersion, Map<String, String> labels) {

    public NodeRegistration {
        id = id == null ? "" : id;
        hostname = hostname == null ? "" : hostname;
        address = address == null ? "" : address;
        role = role == null ? NodeRole.WORKER : role;
        memory = memory == null ? ByteSize.ZERO : memory;
        engineVersion = engineVersion == null ? "" : engineVersion;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** The status message of a node registered through the HTTP API. */
    public static final String REGISTERED = "registered";

    /** The Node to create for this registration, ready, named {@code nodeId}. */
    public Node newNode(String nodeId, String uid, Instant now) {
        return newNode(nodeId, uid, now, REGISTERED);
    }

    /** The Node to create for this registration, ready with status {@code message}, named {@code nodeId}. */
    public Node newNode(String nodeId, String uid, Instant now, String message) {
        ObjectMeta meta = new ObjectMeta(nodeId, labels, Map.of(), "", 0, 0, Optional.empty())
                .created(uid, now);
        return Node.of(meta, new NodeSpec(role, null), status(now, message));
    }

    /**
     * {@code stored} with its status refreshed from this registration; spec and labels stay as
     * the operator left them.
     */
    public Node refresh(Node stored, Instant now) {
        return refresh(stored, now, REGISTERED);
    }

    /** {@code stored} with its status refreshed from this registration, ready with status {@code message}. */
    public Node refresh(Node stored, Instant now, String message) {
        return stored.withStatus(status(now, message));
    }

    private NodeStatus status(Instant now, String message) {
        return new NodeStatus(NodeState.READY, message, hostname, address, new ResourceList(cpus, memory),
                engineVersion, Optional.of(now));
    }
}
