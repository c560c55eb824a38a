package dev.berth.controllers.network;

import dev.berth.api.Cidr;
import dev.berth.api.EndpointAddress;
import dev.berth.api.EndpointMode;
import dev.berth.api.Endpoints;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The network controller's decision for one service: what its {@link Endpoints} object should be
 * and which write gets it there. Pure: it reads the cached service, tasks and Endpoints it is
 * given and does no I/O.
 *
 * <p>The virtual IP is sticky: once stored it is kept for the service's life (clients and
 * kernel rules hold it), unless it lies outside the current service range or the service is in
 * dnsrr mode (which has none). Only a service without one gets a new address: the lowest free
 * one of the range, from {@link NetworkAllocator#FIRST_VIRTUAL_IP_OFFSET} on.
 */
public final class EndpointsPlanner {

    private EndpointsPlanner() {
    }

    /** What to do with a service's Endpoints object. */
    public enum Change {
        /** The stored object is what it should be (or there is none and none is wanted). */
        NONE,
        /** Store {@link Plan#endpoints()} as a new object. */
        CREATE,
        /** Replace the stored object with {@link Plan#endpoints()} (CAS on its resourceVersion). */
        UPDATE,
        /** Delete the stored object {@link Plan#endpoints()}: its service is gone. */
        DELETE
    }

    /**
     * The decision.
     *
     * @param change what to write
     * @param endpoints the object to create or update (metadata of the stored one, or only a
     *     name for a new one), or the stored object to delete; empty for {@link Change#NONE}
     * @param vipExhausted the service needs a virtual IP but every address of the range is
     *     taken; it is written without one meanwhile
     */
    public record Plan(Change change, Optional<Endpoints> endpoints, boolean vipExhausted) {

        public Plan {
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(endpoints, "endpoints");
        }

        static Plan none(boolean vipExhausted) {
            return new Plan(Change.NONE, Optional.empty(), vipExhausted);
        }
    }

    /**
     * Decides the Endpoints of service {@code name}.
     *
     * @param name the service's name, which is also its Endpoints' name
     * @param service the service, empty when it does not exist (any more)
     * @param tasks the tasks of the service (by {@code spec.serviceName}); others are ignored
     * @param current the stored Endpoints of the service, if any
     * @param serviceCidr the cluster's service range
     * @param takenVips the virtual IPs of every <em>other</em> service; read only when this
     *     service needs a new one (see {@link #needsNewVirtualIp})
     */
    public static Plan plan(String name, Optional<Service> service, List<Task> tasks, Optional<Endpoints> current,
            Cidr serviceCidr, Collection<String> takenVips) {
        if (service.isEmpty()) {
            return current.isPresent()
                    ? new Plan(Change.DELETE, current, false)
                    : Plan.none(false);
        }
        Service svc = service.get();
        EndpointMode mode = svc.spec().endpointMode();
        String vip;
        boolean exhausted = false;
        if (needsNewVirtualIp(svc, current, serviceCidr)) {
            Optional<String> next = NetworkAllocator.nextAddress(serviceCidr,
                    NetworkAllocator.FIRST_VIRTUAL_IP_OFFSET, takenVips);
            exhausted = next.isEmpty();
            vip = next.orElse("");
        } else {
            vip = mode == EndpointMode.DNSRR ? "" : current.map(Endpoints::virtualIp).orElse("");
        }
        List<EndpointAddress> addresses = addresses(svc, tasks);
        ObjectMeta metadata = current.map(Endpoints::metadata).orElse(ObjectMeta.named(name));
        Endpoints desired = Endpoints.of(metadata, vip, mode, svc.spec().ports(), addresses);
        if (current.isEmpty()) {
            return new Plan(Change.CREATE, Optional.of(desired), exhausted);
        }
        return sameContent(current.get(), desired)
                ? Plan.none(exhausted)
                : new Plan(Change.UPDATE, Optional.of(desired), exhausted);
    }

    /**
     * Whether the service needs a virtual IP it does not have: it is in vip mode and its stored
     * Endpoints has none, or one outside {@code serviceCidr}.
     */
    public static boolean needsNewVirtualIp(Service service, Optional<Endpoints> current, Cidr serviceCidr) {
        if (service.spec().endpointMode() == EndpointMode.DNSRR) {
            return false;
        }
        String stored = current.map(Endpoints::virtualIp).orElse("");
        return stored.isEmpty() || !NetworkAllocator.isAddressIn(serviceCidr, stored);
    }

    /**
     * The addresses behind a service: its tasks that should run, do run and have an address on
     * the cluster network, ordered by task id, each ready only when it has no health check or is
     * healthy (a starting or unhealthy task is listed, not ready: it gets no traffic). Tasks of an
     * earlier service of the same name (another uid) are left out.
     */
    public static List<EndpointAddress> addresses(Service service, List<Task> tasks) {
        String uid = service.metadata().uid();
        return tasks.stream()
                .filter(t -> t.spec().serviceName().equals(service.name()))
                .filter(t -> uid.isEmpty() || t.spec().serviceUid().isEmpty() || t.spec().serviceUid().equals(uid))
                .filter(EndpointsPlanner::serves)
                .sorted(Comparator.comparing(Task::id))
                .map(t -> new EndpointAddress(t.status().address(), t.id(), t.spec().nodeId(), ready(t)))
                .toList();
    }

    /** Whether a task may receive its service's traffic: desired and observed RUNNING, with an address. */
    public static boolean serves(Task task) {
        return task.spec().desiredState() == TaskState.RUNNING && task.status().state() == TaskState.RUNNING
                && !task.status().address().isEmpty();
    }

    /**
     * Whether a serving task may receive traffic: it has no health check (health empty) or its
     * last check passed.
     */
    public static boolean ready(Task task) {
        return task.status().passesHealthCheck();
    }

    /** Whether two Endpoints say the same (metadata aside). */
    public static boolean sameContent(Endpoints a, Endpoints b) {
        return a.virtualIp().equals(b.virtualIp()) && a.mode() == b.mode() && a.ports().equals(b.ports())
                && a.addresses().equals(b.addresses());
    }
}
