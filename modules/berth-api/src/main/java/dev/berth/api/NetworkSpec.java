package dev.berth.api;

/**
 * The address plan of the cluster network, the {@code network} part of the Cluster object's spec.
 * Fixed when the cluster is created ({@code berth init --container-cidr … --service-cidr …}):
 * nodes' subnets and services' virtual IPs are carved from it and live on in containers.
 *
 * @param containerCidr the containers' addresses; every node gets its own subnet of it
 *     (default {@value #DEFAULT_CONTAINER_CIDR})
 * @param nodeSubnetPrefix the prefix length of a node's subnet (default 24: 254 containers per
 *     node, 256 nodes in the default /16)
 * @param serviceCidr the services' virtual IPs (default {@value #DEFAULT_SERVICE_CIDR}); must not
 *     overlap {@code containerCidr}
 */
public record NetworkSpec(String containerCidr, Integer nodeSubnetPrefix, String serviceCidr) {

    public static final String DEFAULT_CONTAINER_CIDR = "10.42.0.0/16";
    public static final int DEFAULT_NODE_SUBNET_PREFIX = 24;
    public static final String DEFAULT_SERVICE_CIDR = "10.43.0.0/16";

    public static final NetworkSpec DEFAULT = new NetworkSpec(null, null, null);

    public NetworkSpec {
        containerCidr = containerCidr == null || containerCidr.isBlank() ? DEFAULT_CONTAINER_CIDR : containerCidr;
        nodeSubnetPrefix = nodeSubnetPrefix == null ? DEFAULT_NODE_SUBNET_PREFIX : nodeSubnetPrefix;
        serviceCidr = serviceCidr == null || serviceCidr.isBlank() ? DEFAULT_SERVICE_CIDR : serviceCidr;
    }
}
