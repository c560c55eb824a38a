package dev.berth.controllers.service;

import dev.berth.api.Constraint;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeState;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceStatus;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.api.TaskTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The pure decision function of the service controller: given one service (or its absence), its
 * tasks and the nodes, it returns the tasks to create and shut down and the new service status.
 * It does no I/O, so the same inputs always give the same actions (up to the generated ids).
 *
 * <p>Replicated services have slots 1..replicas, each with exactly one live task; global services
 * have one live task per eligible node. Like Swarm, the reconciler never deletes: scaling down and
 * moving away from a node only set {@code desiredState: SHUTDOWN}; the reaper deletes later.
 *
 * <p>A task whose node is down, drained or deleted, or (swarmkit's constraint enforcer) no
 * longer satisfies the task's placement constraints, is shut down and its slot refilled in the
 * same decision, without the restart delay: the node went away, the task did not fail. Its
 * status stays the agent's, so a node that comes back stops it; only a task on a node that was
 * deleted, which no agent will ever report on, is marked {@code ORPHANED} by the manager.
 *
 * <p>A task that stops on its own is handled by the service's restart policy
 * ({@link RestartDecider}): it is marked SHUTDOWN and kept as history, and its slot is refilled
 * only once the policy's delay has passed, or never if the policy says so; {@link #decide}
 * reports when the next delayed restart is due so that the controller can look again then.
 */
public final class ServiceReconciler {

    /** Why a task on a node that was deleted is shut down (and orphaned). */
    static final String NODE_REMOVED = "node removed";
    /** Why a task is shut down when its node no longer matches its placement constraints. */
    static final String CONSTRAINTS_UNMET = "node no longer satisfies the service's constraints";

    /**
     * Annotation the rollout controller puts on an outdated task to have it replaced start-first:
     * the service controller then creates a task of the current template in the same place while
     * the outdated one keeps running, and the rollout controller shuts the outdated one down once
     * its replacement is up. Creating stays the service controller's job alone, so that one
     * controller's creation expectations cover every new task.
     */
    public static final String START_REPLACEMENT = "berth.rollout/start-replacement";

    private ServiceReconciler() {
    }

    /**
     * What the service controller should do for one service: the writes, and when to look again
     * even if nothing changes (a restart whose delay has not passed yet).
     *
     * @param actions the writes, in order
     * @param wakeAt the earliest pending restart, if any
     */
    public record Decision(List<ServiceAction> actions, Optional<Instant> wakeAt) {

        public Decision {
            actions = List.copyOf(actions);
            wakeAt = wakeAt == null ? Optional.empty() : wakeAt;
        }
    }

    /**
     * Decides what to write for the service named {@code serviceName}; see
     * {@link #decide} for the arguments. Pending restarts are not reported.
     */
    public static List<ServiceAction> reconcile(String serviceName, Optional<Service> service,
            Collection<Task> tasks, Collection<Node> nodes, Instant now, Supplier<String> ids) {
        return decide(serviceName, service, tasks, nodes, now, ids).actions();
    }

    /**
     * Decides what to write for the service named {@code serviceName}, and when a delayed restart
     * is due.
     *
     * @param service the desired service, empty when it was deleted
     * @param tasks the tasks whose {@code spec.serviceName} is that name (others are ignored)
     * @param nodes every node
     * @param now the time stamped on new and changed task statuses, and the time restart delays
     *     are counted from and compared with
     * @param ids generates ids of new tasks
     */
    public static Decision decide(String serviceName, Optional<Service> service,
            Collection<Task> tasks, Collection<Node> nodes, Instant now, Supplier<String> ids) {
        List<ServiceAction> actions = new ArrayList<>();
        Set<String> shutDown = new HashSet<>();
        Map<String, Node> nodesById = new HashMap<>();
        for (Node node : nodes) {
            nodesById.put(node.id(), node);
        }
        List<Task> owned = new ArrayList<>();
        for (Task task : tasks) {
            if (!task.spec().serviceName().equals(serviceName)) {
                continue;
            }
            if (service.isPresent() && owns(service.get(), task)) {
                owned.add(task);
            } else if (task.isLive()) {
                // the service is gone, or this task belongs to an earlier service of the same name
                shutdown(actions, shutDown, task, now, "service removed");
            }
        }
        if (service.isEmpty()) {
            return new Decision(orphanOnRemovedNodes(serviceName, tasks, nodesById, actions, shutDown, now),
                    Optional.empty());
        }
        Service svc = service.get();
        Wake wake = new Wake();
        int desired;
        if (svc.spec().mode() == ServiceMode.GLOBAL) {
            desired = reconcileGlobal(svc, owned, nodesById, now, ids, actions, shutDown, wake);
        } else {
            desired = svc.spec().replicas();
            reconcileReplicated(svc, owned, nodesById, now, ids, actions, shutDown, wake);
        }
        int running = 0;
        int updated = 0;
        TaskTemplate current = svc.spec().taskTemplate();
        for (Task task : owned) {
            // as Swarm's, a task with a health check counts once it is healthy
            if (!shutDown.contains(task.id()) && isUp(task)) {
                running++;
                if (task.spec().template().equals(current)) {
                    updated++;
                }
            }
        }
        ServiceStatus status = svc.status().withCounts(desired, running, updated, svc.metadata().generation());
        List<ServiceAction> out = orphanOnRemovedNodes(serviceName, tasks, nodesById, actions, shutDown, now);
        if (!status.equals(svc.status())) {
            out.add(new ServiceAction.UpdateServiceStatus(svc.withStatus(status)));
        }
        return new Decision(out, wake.at);
    }

    /**
     * Whether {@code task} is up: meant to run, reported running and, with a health check,
     * healthy. Only such tasks count in {@link ServiceStatus#running()} and finish a rollout's
     * slot.
     */
    public static boolean isUp(Task task) {
        return task.status().state() == TaskState.RUNNING && task.spec().desiredState() == TaskState.RUNNING
                && task.status().passesHealthCheck();
    }

    /**
     * Ends the status of the service's tasks on nodes that no longer exist: no agent will ever
     * report them stopped, so, as Swarm does, the manager marks them {@code ORPHANED}. They then
     * count as history and the reaper can delete them; a shut-down task would otherwise stay
     * "shutting down" for good. Tasks shut down in this reconcile are orphaned in the same write.
     *
     * @return the actions, with those shutdowns orphaned and any further orphanings added
     */
    private static List<ServiceAction> orphanOnRemovedNodes(String serviceName, Collection<Task> tasks,
            Map<String, Node> nodes, List<ServiceAction> actions, Set<String> shutDown, Instant now) {
        List<ServiceAction> out = new ArrayList<>(actions.size());
        for (ServiceAction action : actions) {
            if (action instanceof ServiceAction.ShutdownTask s && onRemovedNode(s.updated(), nodes)) {
                out.add(new ServiceAction.ShutdownTask(orphaned(s.updated(), now), s.reason()));
            } else {
                out.add(action);
            }
        }
        for (Task task : tasks) {
            if (task.spec().serviceName().equals(serviceName) && !task.isLive() && !shutDown.contains(task.id())
                    && onRemovedNode(task, nodes)) {
                shutDown.add(task.id());
                out.add(new ServiceAction.ShutdownTask(orphaned(task, now), NODE_REMOVED));
            }
        }
        return out;
    }

    /** Whether {@code task} has not stopped yet and sits on a node that is not in the cluster any more. */
    private static boolean onRemovedNode(Task task, Map<String, Node> nodes) {
        return !task.status().state().isTerminal() && !task.spec().nodeId().isEmpty()
                && !nodes.containsKey(task.spec().nodeId());
    }

    private static Task orphaned(Task task, Instant now) {
        Task updated = task.spec().desiredState().ordinal() > TaskState.RUNNING.ordinal() ? task
                : task.withSpec(task.spec().withDesiredState(TaskState.SHUTDOWN));
        return updated.withStatus(task.status().movedTo(TaskState.ORPHANED, NODE_REMOVED, "", now));
    }

    /** The earliest pending restart seen so far. */
    private static final class Wake {
        private Optional<Instant> at = Optional.empty();

        void atLatest(Instant when) {
            if (at.isEmpty() || when.isBefore(at.get())) {
                at = Optional.of(when);
            }
        }
    }

    private static void reconcileReplicated(Service svc, List<Task> owned, Map<String, Node> nodes,
            Instant now, Supplier<String> ids, List<ServiceAction> actions, Set<String> shutDown, Wake wake) {
        int replicas = svc.spec().replicas();
        TaskTemplate current = svc.spec().taskTemplate();
        Map<List<String>, Optional<List<Constraint>>> parsed = new HashMap<>();
        TreeMap<Integer, List<Task>> bySlot = new TreeMap<>();
        Sorted<Integer> byPlace = Sorted.of(owned, t -> t.spec().slot());
        Map<Integer, List<Task>> history = byPlace.history();
        for (Task task : byPlace.live()) {
            int slot = task.spec().slot();
            if (slot <= 0) {
                shutdown(actions, shutDown, task, now, "not in a replicated slot");
                continue;
            }
            if (slot > replicas) {
                shutdown(actions, shutDown, task, now, "scaled down");
                continue;
            }
            Optional<String> gone = task.spec().nodeId().isEmpty() ? Optional.empty()
                    : nodeUnusable(nodes.get(task.spec().nodeId()));
            if (gone.isEmpty() && !task.spec().nodeId().isEmpty()) {
                // swarmkit's constraint enforcer: the node's labels (or role, hostname) changed
                // under a placed task. The task's own constraints decide, not the service's: a
                // changed spec is the rollout's business.
                List<String> rules = task.spec().template().placement().constraints();
                Optional<List<Constraint>> constraints = parsed.computeIfAbsent(rules, ServiceReconciler::parse);
                if (!matches(constraints, nodes.get(task.spec().nodeId()))) {
                    gone = Optional.of(CONSTRAINTS_UNMET);
                }
            }
            if (gone.isPresent()) {
                // the slot then has no kept task, so a replacement is created below
                shutdown(actions, shutDown, task, now, gone.get());
                continue;
            }
            bySlot.computeIfAbsent(slot, s -> new ArrayList<>()).add(task);
        }
        for (Task task : byPlace.stopped()) {
            int slot = task.spec().slot();
            List<Task> slotHistory = history.computeIfAbsent(slot, s -> new ArrayList<>());
            // a slot out of range or still held by another task gets no replacement, unless the
            // task holding it waits for a start-first replacement (this one may have been it)
            boolean replaceable = slot > 0 && slot <= replicas
                    && (!bySlot.containsKey(slot) || awaitsReplacement(bySlot.get(slot), current,
                            svc.status().revision()));
            slotHistory.add(stopOnItsOwn(task, slotHistory, replaceable, now, actions, shutDown));
        }
        for (int slot = 1; slot <= replicas; slot++) {
            List<Task> live = bySlot.getOrDefault(slot, List.of());
            if (!live.isEmpty() && !settlePlace(live, current, svc.status().revision(), actions, shutDown, now)) {
                continue;
            }
            RestartDecider.SlotState state = RestartDecider.emptySlot(history.getOrDefault(slot, List.of()),
                    svc.spec().taskTemplate(), now);
            if (state instanceof RestartDecider.SlotState.CreateNow) {
                actions.add(new ServiceAction.CreateTask(newTask(svc, slot, "", now, ids)));
            } else if (state instanceof RestartDecider.SlotState.WaitUntil w) {
                wake.atLatest(w.at());
            }
        }
    }

    /**
     * A service's tasks sorted three ways, by the key of their place (slot, or node for global
     * services).
     *
     * @param stopped tasks that stopped on their own and await the restart policy's decision,
     *     oldest first, so that each decision sees the ones before it as earlier attempts
     * @param history tasks no longer live, per place: the restart policy's memory (mutable: the
     *     decisions taken now are added to it)
     * @param live tasks that occupy or may occupy their place
     */
    private record Sorted<K>(List<Task> stopped, Map<K, List<Task>> history, List<Task> live) {

        static <K> Sorted<K> of(List<Task> owned, Function<Task, K> place) {
            List<Task> stopped = new ArrayList<>();
            Map<K, List<Task>> history = new HashMap<>();
            List<Task> live = new ArrayList<>();
            for (Task task : owned) {
                if (RestartDecider.stoppedOnItsOwn(task)) {
                    stopped.add(task);
                } else if (!task.isLive()) {
                    history.computeIfAbsent(place.apply(task), k -> new ArrayList<>()).add(task);
                } else {
                    live.add(task);
                }
            }
            stopped.sort(RestartDecider.NEWEST_FIRST.reversed());
            return new Sorted<>(stopped, history, live);
        }
    }

    /**
     * Marks a task that stopped on its own as history (desiredState SHUTDOWN) stamped with the
     * restart policy's decision, and returns the stamped task.
     */
    private static Task stopOnItsOwn(Task task, List<Task> slotHistory, boolean replaceable, Instant now,
            List<ServiceAction> actions, Set<String> shutDown) {
        Optional<Instant> restartAt = replaceable ? RestartDecider.decide(task, slotHistory, now)
                : Optional.empty();
        Task stamped = RestartDecider.stamp(task, now, restartAt);
        if (shutDown.add(task.id())) {
            String reason = "task " + task.status().state().display().toLowerCase(java.util.Locale.ROOT)
                    + (restartAt.isPresent() ? ", replacement at " + restartAt.get()
                            : replaceable ? ", not replaced (restart policy)" : "");
            actions.add(new ServiceAction.ShutdownTask(stamped, reason));
        }
        return stamped;
    }

    private static int reconcileGlobal(Service svc, List<Task> owned, Map<String, Node> nodes, Instant now,
            Supplier<String> ids, List<ServiceAction> actions, Set<String> shutDown, Wake wake) {
        Optional<List<Constraint>> constraints = constraints(svc);
        TaskTemplate current = svc.spec().taskTemplate();
        Map<String, List<Task>> byNode = new HashMap<>();
        Sorted<String> byPlace = Sorted.of(owned, t -> t.spec().nodeId());
        Map<String, List<Task>> history = byPlace.history();
        for (Task task : byPlace.live()) {
            String nodeId = task.spec().nodeId();
            if (nodeId.isEmpty()) {
                shutdown(actions, shutDown, task, now, "global task without a node");
                continue;
            }
            Node node = nodes.get(nodeId);
            Optional<String> gone = nodeUnusable(node);
            if (gone.isEmpty() && !matches(constraints, node)) {
                gone = Optional.of(CONSTRAINTS_UNMET);
            }
            if (gone.isPresent()) {
                shutdown(actions, shutDown, task, now, gone.get());
                continue;
            }
            byNode.computeIfAbsent(nodeId, n -> new ArrayList<>()).add(task);
        }
        for (Task task : byPlace.stopped()) {
            String nodeId = task.spec().nodeId();
            List<Task> nodeHistory = history.computeIfAbsent(nodeId, n -> new ArrayList<>());
            // the decision is kept even for a node that cannot take a task now: it applies when
            // the node comes back
            boolean replaceable = !nodeId.isEmpty()
                    && (!byNode.containsKey(nodeId) || awaitsReplacement(byNode.get(nodeId), current,
                            svc.status().revision()));
            nodeHistory.add(stopOnItsOwn(task, nodeHistory, replaceable, now, actions, shutDown));
        }
        int eligible = 0;
        List<Node> sorted = new ArrayList<>(nodes.values());
        sorted.sort(Comparator.comparing(Node::id));
        for (Node node : sorted) {
            List<Task> live = byNode.getOrDefault(node.id(), List.of());
            boolean wantsTask = live.isEmpty()
                    || settlePlace(live, current, svc.status().revision(), actions, shutDown, now);
            if (isEligible(node) && matches(constraints, node)) {
                eligible++;
                if (wantsTask) {
                    RestartDecider.SlotState state = RestartDecider.emptySlot(
                            history.getOrDefault(node.id(), List.of()), svc.spec().taskTemplate(), now);
                    if (state instanceof RestartDecider.SlotState.CreateNow) {
                        actions.add(new ServiceAction.CreateTask(newTask(svc, 0, node.id(), now, ids)));
                    } else if (state instanceof RestartDecider.SlotState.WaitUntil w) {
                        wake.atLatest(w.at());
                    }
                }
            }
        }
        return eligible;
    }

    /** Whether a service's task may be placed on {@code node} now (ready and active). */
    static boolean isEligible(Node node) {
        return node.status().state() == NodeState.READY && node.spec().availability() == NodeAvailability.ACTIVE;
    }

    /** Why a task must leave {@code node}: it was deleted, is down or drained; empty when it may stay. */
    static Optional<String> nodeUnusable(Node node) {
        if (node == null) {
            return Optional.of(NODE_REMOVED);
        }
        if (node.status().state() == NodeState.DOWN) {
            return Optional.of("node down");
        }
        if (node.spec().availability() == NodeAvailability.DRAIN) {
            return Optional.of("node drained");
        }
        return Optional.empty();
    }

    private static Optional<List<Constraint>> constraints(Service svc) {
        return parse(svc.spec().placement().constraints());
    }

    private static Optional<List<Constraint>> parse(List<String> constraints) {
        List<Constraint> parsed = new ArrayList<>();
        try {
            for (String c : constraints) {
                parsed.add(Constraint.parse(c));
            }
        } catch (IllegalArgumentException e) {
            // validation rejects these on write; if one slipped through, no node can match it
            return Optional.empty();
        }
        return Optional.of(parsed);
    }

    private static boolean matches(Optional<List<Constraint>> constraints, Node node) {
        if (constraints.isEmpty()) {
            return false;
        }
        for (Constraint c : constraints.get()) {
            if (!c.matches(node)) {
                return false;
            }
        }
        return true;
    }

    public static boolean owns(Service svc, Task task) {
        return svc.metadata().uid().isEmpty() || task.spec().serviceUid().equals(svc.metadata().uid());
    }

    /**
     * Order of "most advanced": furthest status first, then one already on a node, then the oldest,
     * then by id so that the choice is deterministic.
     */
    static final Comparator<Task> MOST_ADVANCED = Comparator
            .comparing((Task t) -> t.status().state().ordinal()).reversed()
            .thenComparing(t -> t.spec().nodeId().isEmpty())
            .thenComparing(t -> t.metadata().creationTimestamp().orElse(Instant.MAX))
            .thenComparing(Task::id);

    /**
     * Settles the live tasks of one place (a slot, or a global service's node): of the tasks of the
     * current template, and of the outdated ones, the most advanced of each is kept (a place holds
     * an outdated task next to its start-first replacement during a rollout; the rollout controller
     * shuts the outdated one down).
     *
     * @return whether the place needs a task of the current template created: it has none, and
     *     its outdated task awaits a start-first replacement
     */
    private static boolean settlePlace(List<Task> live, TaskTemplate current, long revision,
            List<ServiceAction> actions, Set<String> shutDown, Instant now) {
        List<Task> currentTasks = new ArrayList<>();
        List<Task> outdated = new ArrayList<>();
        for (Task task : live) {
            (task.spec().template().equals(current) ? currentTasks : outdated).add(task);
        }
        keepMostAdvanced(currentTasks, actions, shutDown, now);
        keepMostAdvanced(outdated, actions, shutDown, now);
        return awaitsReplacement(live, current, revision);
    }

    /**
     * Whether a place's live tasks are all outdated and one of them is marked
     * {@link #START_REPLACEMENT} for the service's current {@code revision}: the place then wants a
     * new task although it is occupied.
     */
    static boolean awaitsReplacement(List<Task> live, TaskTemplate current, long revision) {
        boolean marked = false;
        for (Task task : live) {
            if (task.spec().template().equals(current)) {
                return false;
            }
            marked |= isMarkedFor(task, revision);
        }
        return marked;
    }

    /**
     * Whether {@code task} is marked {@link #START_REPLACEMENT} by the rollout to {@code revision}.
     * A mark of an earlier rollout is stale (it survives on a task a rollback made current again):
     * honouring it would start replacements the current rollout did not choose, beyond its
     * parallelism and even for a stop-first one; the rollout marks again what it replaces.
     */
    public static boolean isMarkedFor(Task task, long revision) {
        return Long.toString(revision).equals(task.metadata().annotations().get(START_REPLACEMENT));
    }

    private static void keepMostAdvanced(List<Task> live, List<ServiceAction> actions, Set<String> shutDown,
            Instant now) {
        if (live.size() < 2) {
            return;
        }
        List<Task> sorted = new ArrayList<>(live);
        sorted.sort(MOST_ADVANCED);
        for (Task extra : sorted.subList(1, sorted.size())) {
            shutdown(actions, shutDown, extra, now, "duplicate task in its slot");
        }
    }

    private static void shutdown(List<ServiceAction> actions, Set<String> shutDown, Task task, Instant now,
            String reason) {
        if (!shutDown.add(task.id())) {
            return;
        }
        actions.add(new ServiceAction.ShutdownTask(shutdownOf(task, now, reason), reason));
    }

    /**
     * The task with desiredState SHUTDOWN; a task not yet ASSIGNED never reached a node, and its
     * status is the manager's to set, so it is moved straight to SHUTDOWN as well.
     */
    public static Task shutdownOf(Task task, Instant now, String reason) {
        Task updated = task.withSpec(task.spec().withDesiredState(TaskState.SHUTDOWN));
        if (task.status().state().ordinal() < TaskState.ASSIGNED.ordinal()) {
            updated = updated.withStatus(task.status().movedTo(TaskState.SHUTDOWN, reason, "", now));
        }
        return updated;
    }

    /** A new task of {@code svc}: slot for replicated services, nodeId for global ones. */
    static Task newTask(Service svc, int slot, String nodeId, Instant now, Supplier<String> ids) {
        String id = ids.get();
        ObjectMeta meta = ObjectMeta.named(id)
                .withLabels(Map.of(Task.SERVICE_LABEL, svc.name()))
                .created(id, now);
        TaskSpec spec = new TaskSpec(svc.name(), svc.metadata().uid(), slot, nodeId, TaskState.RUNNING,
                svc.spec().taskTemplate());
        return Task.of(meta, spec, TaskStatus.of(TaskState.NEW, "created", now));
    }
}
