package dev.berth.api;

/**
 * What an operator decides about a node, and the container subnet the cluster gave it.
 *
 * @param role manager or worker
 * @param availability active (default), pause or drain
 * @param subnet the node's container subnet (e.g. {@code 10.42.1.0/24}), carved from the
 *     cluster's container CIDR by the network controller (as Kubernetes' node IPAM sets
 *     {@code spec.podCIDR}); empty until given. Users cannot change it: the API keeps the stored
 *     value on updates.
 */
public record NodeSpec(NodeRole role, NodeAvailability availability, String subnet) {

    public NodeSpec {
        role = role == null ? NodeRole.WORKER : role;
        availability = availability == null ? NodeAvailability.ACTIVE : availability;
        subnet = subnet == null ? "" : subnet;
    }

    /** A spec with no subnet yet. */
    public NodeSpec(NodeRole role, NodeAvailability availability) {
        this(role, availability, "");
    }

    public NodeSpec withSubnet(String newSubnet) {
        return new NodeSpec(role, availability, newSubnet);
    }

    public NodeSpec withAvailability(NodeAvailability newAvailability) {
        return new NodeSpec(role, newAvailability, subnet);
    }
}
