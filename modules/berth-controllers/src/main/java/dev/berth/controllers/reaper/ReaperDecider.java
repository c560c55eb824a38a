package dev.berth.controllers.reaper;

import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pure decision of the task reaper: which tasks of one service to delete.
 *
 * <p>Per slot (per node for global services) at most {@code historyLimit} non-live tasks are kept,
 * newest first; older ones are deleted. Tasks of a removed service or of a slot above the replica
 * count are all deleted. In every case a task is deleted only once it is
 * {@linkplain #isDeletable deletable}: terminal, or never assigned to a node, so an agent can never
 * be left running a task the store forgot.
 */
public final class ReaperDecider {

    /** Newest first: by creation time, then by resourceVersion. */
    static final Comparator<Task> NEWEST_FIRST = Comparator
            .comparing((Task t) -> t.metadata().creationTimestamp().orElse(Instant.MIN))
            .thenComparingLong(t -> t.metadata().resourceVersion())
            .reversed();

    private ReaperDecider() {
    }

    /** A non-live task that no node runs any more, or that never reached one. */
    public static boolean isDeletable(Task task) {
        return !task.isLive() && (task.status().state().isTerminal()
                || task.status().state().ordinal() < TaskState.ASSIGNED.ordinal());
    }

    /**
     * The tasks to delete.
     *
     * @param service the service, empty when it was deleted
     * @param tasks tasks whose {@code spec.serviceName} is the service's name
     * @param historyLimit non-live tasks kept per slot or node; negative keeps them all
     */
    public static List<Task> toDelete(String serviceName, Optional<Service> service, Collection<Task> tasks,
            int historyLimit) {
        List<Task> delete = new ArrayList<>();
        Map<String, List<Task>> history = new TreeMap<>();
        for (Task task : tasks) {
            if (!task.spec().serviceName().equals(serviceName) || task.isLive()) {
                continue;
            }
            if (service.isEmpty() || !owns(service.get(), task) || outsideSlots(service.get(), task)) {
                if (isDeletable(task)) {
                    delete.add(task);
                }
                continue;
            }
            String group = service.get().spec().mode() == ServiceMode.GLOBAL
                    ? "node:" + task.spec().nodeId() : "slot:" + task.spec().slot();
            history.computeIfAbsent(group, g -> new ArrayList<>()).add(task);
        }
        if (historyLimit >= 0) {
            for (List<Task> group : history.values()) {
                if (group.size() <= historyLimit) {
                    continue;
                }
                group.sort(NEWEST_FIRST);
                for (Task old : group.subList(historyLimit, group.size())) {
                    if (isDeletable(old)) {
                        delete.add(old);
                    }
                }
            }
        }
        delete.sort(Comparator.comparing(Task::id));
        return List.copyOf(delete);
    }

    private static boolean owns(Service svc, Task task) {
        return svc.metadata().uid().isEmpty() || task.spec().serviceUid().equals(svc.metadata().uid());
    }

    private static boolean outsideSlots(Service svc, Task task) {
        return svc.spec().mode() == ServiceMode.REPLICATED
                && (task.spec().slot() > svc.spec().replicas() || task.spec().slot() <= 0);
    }
}
