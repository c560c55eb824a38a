package dev.berth.controllers.reaper;

import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.controllers.service.RestartDecider;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The pure decision of the task reaper: which tasks of one service to delete.
 *
 * <p>Per slot (per node for global services) at most {@code historyLimit} non-live tasks are kept,
 * newest first; older ones are deleted. Tasks of a removed service or of a slot above the replica
 * count are all deleted. In every case a task is deleted only once it is
 * {@linkplain #isDeletable deletable}: terminal, or never assigned to a node, so an agent can never
 * be left running a task the store forgot.
 *
 * <p>The restart policy reads its memory from this history, so some tasks are kept beyond the
 * limit: a task that stopped on its own and awaits the service controller's restart decision, and
 * the tasks {@link #neededByRestartPolicy} names.
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
            if (RestartDecider.stoppedOnItsOwn(task)) {
                // the service controller has not made its restart decision yet
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
                Set<String> needed = neededByRestartPolicy(group);
                for (Task old : group.subList(historyLimit, group.size())) {
                    if (isDeletable(old) && !needed.contains(old.id())) {
                        delete.add(old);
                    }
                }
            }
        }
        delete.sort(Comparator.comparing(Task::id));
        return List.copyOf(delete);
    }

    /**
     * The history tasks the restart policy still reads ({@link RestartDecider}), whatever the
     * history limit: the newest task that stopped on its own (it holds the slot's pending or
     * given-up restart), and the attempts that count against its policy's {@code maxAttempts}.
     *
     * @param group one slot's (or node's) history, newest first
     */
    static Set<String> neededByRestartPolicy(List<Task> group) {
        Set<String> needed = new HashSet<>();
        Task newest = null;
        for (Task t : group) {
            if (RestartDecider.isRestartAttempt(t)) {
                newest = t;
                break;
            }
        }
        if (newest == null) {
            return needed;
        }
        needed.add(newest.id());
        // the window is not looked at: keeping a few attempts too many is harmless
        int attempts = newest.spec().template().restartPolicy().maxAttempts();
        for (Task t : group) {
            if (needed.size() >= attempts) {
                break;
            }
            if (RestartDecider.isRestartAttempt(t) && t.spec().template().equals(newest.spec().template())) {
                needed.add(t.id());
            }
        }
        return needed;
    }

    private static boolean owns(Service svc, Task task) {
        return svc.metadata().uid().isEmpty() || task.spec().serviceUid().equals(svc.metadata().uid());
    }

    private static boolean outsideSlots(Service svc, Task task) {
        return svc.spec().mode() == ServiceMode.REPLICATED
                && (task.spec().slot() > svc.spec().replicas() || task.spec().slot() <= 0);
    }
}
