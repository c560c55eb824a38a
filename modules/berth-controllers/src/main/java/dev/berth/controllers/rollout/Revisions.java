package dev.berth.controllers.rollout;

import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.ServiceRevision;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.UpdateState;
import dev.berth.api.UpdateStatus;
import dev.berth.store.WriteOp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a service's revisions are recorded: the pure part of every service write that may start a
 * rollout, shared by the API server (creates, replaces, applies, rollbacks) and the rollout
 * controller (automatic rollbacks), so that both number and keep revisions alike.
 *
 * <p>The write that records a revision also starts its rollout ({@code status.update}: updating,
 * or rolling back, since now), so that a task of the new template, whoever creates it and however
 * late the rollout controller looks, never predates its rollout: its failure counts.
 *
 * <p>A new revision is recorded when the task template changes, not on a scale or a change of the
 * update config alone, as Kubernetes does: a revision is something tasks are replaced for. Its
 * number goes into the service's {@code status.revision} in the same write, which is what the
 * rollout controller and {@code rollout status} follow.
 */
public final class Revisions {

    private Revisions() {
    }

    /**
     * A service write and what it does to the revisions, to be committed in one transaction.
     *
     * @param service the service to store, {@code status.revision} set
     * @param created revisions to create (none when the template did not change)
     * @param expired revisions to delete: the oldest beyond {@link ServiceRevision#HISTORY_LIMIT}
     */
    public record Write(Service service, List<ServiceRevision> created, List<ServiceRevision> expired) {

        public Write {
            created = List.copyOf(created);
            expired = List.copyOf(expired);
        }

        /**
         * The write of a service that exists, as one transaction's operations: the service's CAS
         * update first (so that {@code stored().get(0)} is it), the expired revisions' deletes, the
         * new revisions' creates.
         */
        public List<WriteOp> ops() {
            List<WriteOp> ops = new ArrayList<>();
            ops.add(WriteOp.update(service));
            expired.forEach(r -> ops.add(WriteOp.delete(r)));
            created.forEach(r -> ops.add(WriteOp.create(r)));
            return ops;
        }
    }

    /** The write of a new service (uid and creation time already given): revision 1. */
    public static Write onCreate(Service created, Instant now) {
        ServiceRevision first = revision(created, 1, created.spec(),
                causeOr(created.metadata().annotations(), Map.of(), "created"), now);
        return new Write(created.withStatus(created.status().withRevision(1)
                .withUpdate(UpdateStatus.started(UpdateState.UPDATING, 1, now, ""))), List.of(first), List.of());
    }

    /**
     * The write replacing {@code stored} by {@code replacing} (the API server's merge of the request
     * into the stored object: status still the stored one).
     *
     * @param kept the revisions stored now (of any service; others are ignored)
     */
    public static Write onReplace(Service stored, Service replacing, List<ServiceRevision> kept, Instant now) {
        if (stored.spec().taskTemplate().equals(replacing.spec().taskTemplate())) {
            return new Write(replacing, List.of(), List.of());
        }
        List<ServiceRevision> own = of(stored, kept);
        List<ServiceRevision> created = new ArrayList<>();
        long current = Math.max(stored.status().revision(), newest(own));
        if (current == 0) {
            // a service stored before revisions existed: record what it ran, so undo can return
            created.add(revision(stored, 1, stored.spec(), "recorded at the first change", now));
            current = 1;
        }
        long next = current + 1;
        created.add(revision(stored, next, replacing.spec(),
                causeOr(replacing.metadata().annotations(), stored.metadata().annotations(),
                        SpecDiff.describe(stored.spec(), replacing.spec())), now));
        Service written = replacing.withStatus(noneUpdated(replacing.status()).withRevision(next)
                .withUpdate(UpdateStatus.started(UpdateState.UPDATING, next, now, "")));
        return new Write(written, created, expired(own, created.size()));
    }

    /**
     * The write rolling {@code stored} back to revision {@code to}: its spec (with the current replica
     * count, as Kubernetes' undo keeps the scale) as a new revision, a new generation, and a rollback
     * rollout started with {@code message}.
     */
    public static Write rollback(Service stored, ServiceRevision to, List<ServiceRevision> kept, Instant now,
            String message) {
        List<ServiceRevision> own = of(stored, kept);
        long next = Math.max(stored.status().revision(), newest(own)) + 1;
        ServiceSpec spec = to.spec().withReplicas(stored.spec().replicas());
        ObjectMeta meta = stored.metadata().withGeneration(stored.metadata().generation() + 1);
        Service written = stored.withMetadata(meta).withSpec(spec).withStatus(noneUpdated(stored.status())
                .withRevision(next).withUpdate(UpdateStatus.started(UpdateState.ROLLBACK_STARTED, next, now, message)));
        ServiceRevision created = revision(stored, next, spec, "rollback to revision " + to.revision(), now);
        return new Write(written, List.of(created), expired(own, 1));
    }

    /**
     * The revision a rollback without a target returns to: the newest one before the service's
     * current revision.
     */
    public static Optional<ServiceRevision> previous(Service service, List<ServiceRevision> kept) {
        long current = service.status().revision();
        return of(service, kept).stream().filter(r -> r.revision() < current)
                .max(Comparator.comparingLong(ServiceRevision::revision));
    }

    /** The revisions of {@code service} (same name and uid) in {@code kept}, oldest first. */
    public static List<ServiceRevision> of(Service service, List<ServiceRevision> kept) {
        return kept.stream()
                .filter(r -> r.serviceName().equals(service.name()) && r.serviceUid().equals(service.metadata().uid()))
                .sorted(Comparator.comparingLong(ServiceRevision::revision))
                .toList();
    }

    /**
     * The status with no task counted as updated: at the write of a new template no task has it
     * yet, and a client following the rollout must not read the old template's count as progress
     * until the service controller counts again.
     */
    private static dev.berth.api.ServiceStatus noneUpdated(dev.berth.api.ServiceStatus status) {
        return status.withCounts(status.replicas(), status.running(), 0, status.observedGeneration());
    }

    private static long newest(List<ServiceRevision> own) {
        return own.isEmpty() ? 0 : own.get(own.size() - 1).revision();
    }

    /** The oldest of {@code own} (oldest first) that no longer fit once {@code adding} are added. */
    private static List<ServiceRevision> expired(List<ServiceRevision> own, int adding) {
        int over = own.size() + adding - ServiceRevision.HISTORY_LIMIT;
        return over <= 0 ? List.of() : own.subList(0, Math.min(over, own.size()));
    }

    /** The user's change cause when this write sets a new one, else {@code fallback}. */
    private static String causeOr(Map<String, String> annotations, Map<String, String> before, String fallback) {
        String cause = annotations.get(ServiceRevision.CHANGE_CAUSE_ANNOTATION);
        return cause != null && !cause.isBlank() && !cause.equals(before.get(ServiceRevision.CHANGE_CAUSE_ANNOTATION))
                ? cause : fallback;
    }

    private static ServiceRevision revision(Service service, long number, ServiceSpec spec, String cause,
            Instant now) {
        String name = ServiceRevision.nameOf(service.name(), number);
        ObjectMeta meta = ObjectMeta.named(name).withLabels(Map.of(Task.SERVICE_LABEL, service.name()))
                .created(dev.berth.api.Ids.random(), now);
        return new ServiceRevision(null, null, meta, service.name(), service.metadata().uid(), number, spec, cause);
    }
}
