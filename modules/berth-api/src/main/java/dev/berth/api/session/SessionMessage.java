package dev.berth.api.session;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.berth.api.ResourceList;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A message of the agent session. Encode and decode with
 * {@link dev.berth.api.codec.Codec#json()}: {@code Codec.json().readValue(text, SessionMessage.class)}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = SessionMessage.Hello.class, name = "Hello"),
    @JsonSubTypes.Type(value = SessionMessage.Welcome.class, name = "Welcome"),
    @JsonSubTypes.Type(value = SessionMessage.Heartbeat.class, name = "Heartbeat"),
    @JsonSubTypes.Type(value = SessionMessage.StatusReport.class, name = "StatusReport"),
    @JsonSubTypes.Type(value = SessionMessage.Assignments.class, name = "Assignments"),
    @JsonSubTypes.Type(value = SessionMessage.Error.class, name = "Error"),
    @JsonSubTypes.Type(value = SessionMessage.NetworkMap.class, name = "NetworkMap"),
})
public sealed interface SessionMessage {

    /**
     * The agent opens its session with a description of its node.
     *
     * @param nodeId the id the node got on its first session; empty on the very first one
     * @param hostname the server's host name
     * @param address the address other nodes reach it at
     * @param role {@code worker} or {@code manager}
     * @param resources CPUs and memory offered to tasks
     * @param engineVersion the Docker engine's version
     * @param labels engine labels to put on a new node (a known node keeps its own)
     */
    record Hello(String nodeId, String hostname, String address, String role, ResourceList resources,
            String engineVersion, Map<String, String> labels) implements SessionMessage {
        public Hello {
            nodeId = nodeId == null ? "" : nodeId;
            hostname = hostname == null ? "" : hostname;
            address = address == null ? "" : address;
            role = role == null ? "worker" : role;
            resources = resources == null ? ResourceList.NONE : resources;
            engineVersion = engineVersion == null ? "" : engineVersion;
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    /**
     * The manager accepts the session.
     *
     * @param nodeId the node's id (keep it for the next Hello)
     * @param heartbeatPeriodMillis how often the agent must send a Heartbeat
     */
    record Welcome(String nodeId, long heartbeatPeriodMillis) implements SessionMessage {
    }

    /** The agent is alive. */
    record Heartbeat() implements SessionMessage {
    }

    /**
     * Task states the agent observed since its last report, oldest first.
     *
     * @param updates one entry per change
     */
    record StatusReport(List<TaskStatusUpdate> updates) implements SessionMessage {
        public StatusReport {
            updates = updates == null ? List.of() : List.copyOf(updates);
        }
    }

    /**
     * The tasks assigned to the agent's node: all of them when {@code full}, else what changed.
     *
     * @param full true on the first message of a session: {@code tasks} is the whole set and
     *     any task the agent runs that is not in it is no longer its own
     * @param tasks tasks added or changed (their desiredState tells what to do)
     * @param removed ids of tasks no longer assigned to the node (deleted or moved)
     */
    record Assignments(boolean full, List<Task> tasks, List<String> removed) implements SessionMessage {
        public Assignments {
            tasks = tasks == null ? List.of() : List.copyOf(tasks);
            removed = removed == null ? List.of() : List.copyOf(removed);
        }
    }

    /**
     * The manager refuses or ends the session.
     *
     * @param code an HTTP-like code (400 bad message, 401 bad token, 409 node removed…)
     * @param message what happened, for the agent's log
     */
    record Error(int code, String message) implements SessionMessage {
    }

    /**
     * One observed change of a task.
     *
     * @param taskId the task
     * @param state the state it reached
     * @param message a short sentence ({@code started}, {@code exited})
     * @param error why it failed ({@code non-zero exit (1)}, {@code No such image: x}); empty if not
     * @param containerId the container running it, once there is one
     * @param exitCode the container's exit code once it stopped, else -1
     * @param timestamp when the agent saw it
     * @param address the container's address on the cluster network, once known; else empty
     * @param health {@code starting}, {@code healthy} or {@code unhealthy} for a task with a health
     *     check; empty when it has none (or nothing changed about it)
     */
    record TaskStatusUpdate(String taskId, TaskState state, String message, String error, String containerId,
            int exitCode, Instant timestamp, String address, String health) {
        public TaskStatusUpdate {
            message = message == null ? "" : message;
            error = error == null ? "" : error;
            containerId = containerId == null ? "" : containerId;
            address = address == null ? "" : address;
            health = health == null ? "" : health;
        }

        /** An update without health. */
        public TaskStatusUpdate(String taskId, TaskState state, String message, String error, String containerId,
                int exitCode, Instant timestamp, String address) {
            this(taskId, state, message, error, containerId, exitCode, timestamp, address, "");
        }

        /** An update without a cluster-network address. */
        public TaskStatusUpdate(String taskId, TaskState state, String message, String error, String containerId,
                int exitCode, Instant timestamp) {
            this(taskId, state, message, error, containerId, exitCode, timestamp, "");
        }
    }

    /**
     * The cluster network as the agent's node must program it, sent whole whenever any part
     * changes (and first after the Welcome): the node's own subnet, the routes to every other
     * node's subnet, and every service's virtual IP, ports and task addresses (for DNS, the
     * virtual IPs and the routing mesh). The agent replaces what it programmed before with it.
     *
     * @param network the cluster's address plan
     * @param nodeSubnet this node's container subnet; empty until the manager gave one (the
     *     agent then starts no container on the cluster network)
     * @param peers every other node that has a subnet
     * @param services every service's endpoints, ordered by name
     */
    record NetworkMap(dev.berth.api.NetworkSpec network, String nodeSubnet, List<NetworkPeer> peers,
            List<dev.berth.api.Endpoints> services) implements SessionMessage {
        public NetworkMap {
            network = network == null ? dev.berth.api.NetworkSpec.DEFAULT : network;
            nodeSubnet = nodeSubnet == null ? "" : nodeSubnet;
            peers = peers == null ? List.of() : List.copyOf(peers);
            services = services == null ? List.of() : List.copyOf(services);
        }
    }

    /**
     * Another node of the cluster network: its container subnet is reached through its address.
     *
     * @param nodeId the node
     * @param address its address (the next hop of the route)
     * @param subnet its container subnet
     */
    record NetworkPeer(String nodeId, String address, String subnet) {
    }
}
