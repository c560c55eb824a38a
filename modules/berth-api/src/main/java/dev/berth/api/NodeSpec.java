package dev.berth.api;

/**
 * What an operator decides about a node.
 *
 * @param role manager or worker
 * @param availability active (default), pause or drain
 */
public record NodeSpec(NodeRole role, NodeAvailability availability) {

    public NodeSpec {
        role = role == null ? NodeRole.WORKER : role;
        availability = availability == null ? NodeAvailability.ACTIVE : availability;
    }
}
