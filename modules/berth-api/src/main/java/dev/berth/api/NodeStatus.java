package dev.berth.api;

import java.time.Instant;
import java.util.Optional;

/**
 * What a node reported about itself, and what the manager concluded.
 *
 * @param state ready, down, disconnected or unknown
 * @param message why the node is in that state
 * @param hostname the server's host name
 * @param address the address other nodes and clients reach it at
 * @param resources CPUs and memory the node offers to tasks
 * @param engineVersion the container engine's version
 * @param lastHeartbeat when the node was last heard from
 */
public record NodeStatus(NodeState state, String message, String hostname, String address,
        ResourceList resources, String engineVersion, Optional<Instant> lastHeartbeat) {

    public NodeStatus {
        state = state == null ? NodeState.UNKNOWN : state;
        message = message == null ? "" : message;
        hostname = hostname == null ? "" : hostname;
        address = address == null ? "" : address;
        resources = resources == null ? ResourceList.NONE : resources;
        engineVersion = engineVersion == null ? "" : engineVersion;
        lastHeartbeat = lastHeartbeat == null ? Optional.empty() : lastHeartbeat;
    }

    public NodeStatus withState(NodeState newState, String newMessage) {
        return new NodeStatus(newState, newMessage, hostname, address, resources, engineVersion, lastHeartbeat);
    }
}
