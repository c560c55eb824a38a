package dev.berth.agent.network;

import dev.berth.api.Cidr;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The addresses of this node's task containers in its subnet of the cluster network: which task
 * holds which address, and the lowest free one for the next task. The subnet's network address,
 * its gateway (the first host, the bridge's own address), its broadcast address and the range
 * left to the engine for containers attached by hand
 * ({@link ContainerNetworkRules#handAttachedRange}) are never given out. Safe from any thread.
 *
 * <p>It is rebuilt after an agent restart from the containers found on the network
 * ({@link #reserve}); reservations made before the node's subnet is known are kept and count
 * once it is.
 */
public final class ContainerAddresses {

    private Cidr subnet;
    private final Map<String, String> byTask = new HashMap<>();

    /** The subnet addresses come from, once the node has one. */
    public synchronized Optional<Cidr> subnet() {
        return Optional.ofNullable(subnet);
    }

    /** Sets the node's subnet (a reservation outside it no longer holds an address of it). */
    public synchronized void setSubnet(Cidr newSubnet) {
        this.subnet = newSubnet;
    }

    /**
     * The address of {@code taskId}: the one it holds already, else the lowest free one, or empty
     * when the node has no subnet yet or the subnet is full.
     */
    public synchronized Optional<String> allocate(String taskId) {
        if (subnet == null) {
            return Optional.empty();
        }
        String held = byTask.get(taskId);
        if (held != null && subnet.contains(held)) {
            return Optional.of(held);
        }
        Optional<String> free = lowestFree(subnet, new HashSet<>(byTask.values()));
        free.ifPresent(ip -> byTask.put(taskId, ip));
        return free;
    }

    /** Records that {@code taskId}'s container holds {@code address} (found on the engine). */
    public synchronized void reserve(String taskId, String address) {
        if (address == null || address.isEmpty() || taskId == null || taskId.isEmpty()) {
            return;
        }
        byTask.put(taskId, address);
    }

    /** The task's container is gone: its address is free again. */
    public synchronized void release(String taskId) {
        byTask.remove(taskId);
    }

    /** The address {@code taskId} holds, if any. */
    public synchronized Optional<String> addressOf(String taskId) {
        return Optional.ofNullable(byTask.get(taskId));
    }

    /** Every address held now, by task id (a copy). */
    public synchronized Map<String, String> held() {
        return Map.copyOf(byTask);
    }

    /**
     * The lowest address of {@code subnet} that is not in {@code used} and is neither the
     * network address, the gateway (first host) nor the broadcast address.
     */
    public static Optional<String> lowestFree(Cidr subnet, Set<String> used) {
        long size = subnet.size();
        Optional<Cidr> byHand = ContainerNetworkRules.handAttachedRange(subnet);
        // a /31 or /32 has no room once the gateway is taken
        for (long n = 2; n < size - 1; n++) {
            String candidate = subnet.host(n);
            if (byHand.isPresent() && byHand.get().contains(candidate)) {
                break; // the range at the end is the engine's, for containers attached by hand
            }
            if (!used.contains(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
