package dev.berth.agent.worker;

import dev.berth.agent.executor.ContainerInfo;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides, from a full assignment set and the managed containers found on the engine, which
 * containers the worker takes over and which it removes, so that nothing runs twice after an
 * agent restart or a reconnect. Pure: no I/O.
 */
final class Adoption {

    private Adoption() {
    }

    /**
     * What to do with the containers found.
     *
     * @param adopt running containers taken over, by task id: the task is RUNNING in them
     * @param finished stopped containers of tasks the manager still thinks live, by task id: the
     *     task ended while no agent watched; report its exit, then remove the container
     * @param remove containers to stop and remove (strays, duplicates, not-started leftovers)
     */
    record Plan(Map<String, ContainerInfo> adopt, Map<String, ContainerInfo> finished, List<ContainerInfo> remove) {
        Plan {
            adopt = Map.copyOf(adopt);
            finished = Map.copyOf(finished);
            remove = List.copyOf(remove);
        }
    }

    /**
     * Plans the takeover.
     *
     * @param assigned the full assignment set, by task id
     * @param containers the managed containers on the engine
     * @param owned the containers the worker already drives, by task id: the container id, or
     *     empty while the container is being created (its id is not known yet)
     */
    static Plan decide(Map<String, Task> assigned, List<ContainerInfo> containers, Map<String, Optional<String>> owned) {
        Map<String, ContainerInfo> adopt = new HashMap<>();
        Map<String, ContainerInfo> finished = new HashMap<>();
        List<ContainerInfo> remove = new ArrayList<>();
        // Running containers first, so that a running one wins over a stopped one of the same task.
        List<ContainerInfo> ordered = new ArrayList<>(containers);
        ordered.sort((a, b) -> Boolean.compare(b.running(), a.running()));
        for (ContainerInfo c : ordered) {
            String taskId = c.taskId();
            Task task = assigned.get(taskId);
            Optional<String> mine = owned.get(taskId);
            if (mine != null) {
                // The worker drives this task already: it keeps its own container (and the one
                // being created; it removes it itself when the task goes), anything else of that
                // task is a duplicate.
                boolean itsOwn = mine.isEmpty() || mine.get().equals(c.id());
                if (!itsOwn) {
                    remove.add(c);
                }
                continue;
            }
            boolean live = task != null && task.spec().desiredState() == TaskState.RUNNING
                    && !task.status().state().isTerminal();
            if (!live || adopt.containsKey(taskId) || finished.containsKey(taskId)) {
                remove.add(c);
            } else if (c.running()) {
                adopt.put(taskId, c);
            } else if (c.exitCode() >= 0 && task.status().state().ordinal() >= TaskState.STARTING.ordinal()) {
                finished.put(taskId, c);
            } else {
                // created but never started (or state unknown): start the task afresh
                remove.add(c);
            }
        }
        return new Plan(adopt, finished, remove);
    }
}
