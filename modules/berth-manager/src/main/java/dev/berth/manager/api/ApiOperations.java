package dev.berth.manager.api;

import dev.berth.api.Ids;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.ServiceRevision;
import dev.berth.api.Task;
import dev.berth.api.UpdateState;
import dev.berth.api.UpdateStatus;
import dev.berth.api.codec.Codec;
import dev.berth.api.codec.DecodeException;
import dev.berth.api.validation.Validation;
import dev.berth.api.validation.ValidationException;
import dev.berth.controllers.rollout.Revisions;
import dev.berth.store.Listing;
import dev.berth.store.ObjectStore;
import dev.berth.store.StoreException;
import dev.berth.store.WriteOp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What the API's endpoints do, against the store. Every method blocks (the store does), so the
 * HTTP layer calls them on worker threads; refusals are {@link ApiException}s or the decode,
 * validation and store exceptions that {@link ApiErrors} maps.
 */
public final class ApiOperations {

    private static final Logger LOG = LogManager.getLogger(ApiOperations.class);
    /** Attempts of a read-modify-write before a concurrent writer wins and the client hears 409. */
    private static final int CAS_ATTEMPTS = 5;

    private final ObjectStore store;
    private final Clock clock;

    public ApiOperations(ObjectStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * A list answer.
     *
     * @param kind the kind listed
     * @param items the objects matching the selector
     * @param revision the store revision the list was read at
     */
    public record ListResult(Kind<?> kind, List<ApiObject> items, long revision) {
        public ListResult {
            items = List.copyOf(items);
        }
    }

    /**
     * What apply did with one object.
     *
     * @param kind the object's kind, e.g. {@code Service}
     * @param name the object's name
     * @param action {@code created}, {@code configured} or {@code unchanged}
     */
    public record ApplyResult(String kind, String name, String action) {
    }

    /**
     * A registered node.
     *
     * @param node the node as stored
     * @param created whether the registration created it
     */
    public record Registered(Node node, boolean created) {
    }

    /** Every object of {@code kind} whose labels match {@code selector}. */
    public ListResult list(Kind<?> kind, LabelSelector selector) {
        Listing<? extends ApiObject> listing = store.list(kind);
        List<ApiObject> items = new ArrayList<>();
        for (ApiObject o : listing.items()) {
            if (selector.matches(o.metadata().labels())) {
                items.add(o);
            }
        }
        return new ListResult(kind, items, listing.revision());
    }

    /** One object; 404 when there is none. */
    public ApiObject get(Kind<?> kind, String name) {
        return store.get(kind, name).map(o -> (ApiObject) o)
                .orElseThrow(() -> new ApiException(ApiError.notFound(ref(kind, name) + " not found")));
    }

    /** Creates the object of the body; the body's kind must be {@code kind}. */
    public ApiObject create(Kind<?> kind, String body, String contentType) {
        requireCreatable(kind);
        ApiObject object = decodeOne(body, contentType);
        requireKind(kind, object);
        Validation.require(object);
        requireFreePorts(object);
        ApiObject toStore = ObjectWrites.forCreate(object, Ids.random(), clock.instant());
        try {
            ApiObject stored = store.commit(writes(Optional.empty(), toStore)).stored().get(0);
            LOG.info("created {}", ref(kind, stored.name()));
            return stored;
        } catch (StoreException.AlreadyExists | StoreException.Conflict e) {
            // a transaction reports an existing key as a failed precondition
            if (e instanceof StoreException.Conflict && store.get(kind, object.name()).isEmpty()) {
                throw new ApiException(ApiError.conflict(ref(kind, object.name())
                        + " could not be created while its revisions changed; try again"));
            }
            throw new ApiException(ApiError.alreadyExists(ref(kind, object.name())
                    + " already exists; use replace (PUT) or apply to change it"));
        }
    }

    /**
     * Replaces spec, labels and annotations of {@code kind/name} with the body's; a body
     * resourceVersion above 0 makes it a compare-and-swap.
     */
    public ApiObject replace(Kind<?> kind, String name, String body, String contentType) {
        requireWritable(kind);
        JsonNode document = documentOf(body, contentType);
        ApiObject object = Codec.decode(document);
        boolean namesNetwork = namesNetwork(document);
        requireKind(kind, object);
        if (object.name().isEmpty()) {
            // the URL names the object; a body without a name means the same one
            ObjectMeta m = object.metadata();
            object = object.withMetadata(new ObjectMeta(name, m.labels(), m.annotations(), "",
                    m.resourceVersion(), 0, Optional.empty()));
        } else if (!object.name().equals(name)) {
            throw new ApiException(ApiError.badRequest("metadata.name", "the body names \"" + object.name()
                    + "\" but the URL names \"" + name + "\""));
        }
        Validation.require(object);
        requireFreePorts(object);
        long wanted = object.metadata().resourceVersion();
        for (int attempt = 1; ; attempt++) {
            ApiObject stored = get(kind, name);
            if (wanted > 0 && stored.metadata().resourceVersion() != wanted) {
                throw stale(kind, name, wanted, stored.metadata().resourceVersion());
            }
            ApiObject replacing = ObjectWrites.withClusterNetwork(stored, object, namesNetwork);
            try {
                ApiObject written = store.commit(writes(Optional.of(stored), ObjectWrites.forReplace(stored,
                        replacing))).stored().get(0);
                LOG.info("replaced {}", ref(kind, name));
                return written;
            } catch (StoreException.Conflict e) {
                if (wanted > 0 || attempt >= CAS_ATTEMPTS) {
                    long now = store.get(kind, name).map(o -> o.metadata().resourceVersion()).orElse(0L);
                    throw stale(kind, name, wanted > 0 ? wanted : stored.metadata().resourceVersion(), now);
                }
            } catch (StoreException.NotFound e) {
                throw new ApiException(ApiError.notFound(ref(kind, name) + " not found"));
            }
        }
    }

    /**
     * Deletes {@code kind/name}; with {@code resourceVersion} above 0 only at that version. A node
     * is deleted as {@link #deleteNode} does without force.
     */
    public ApiObject delete(Kind<?> kind, String name, long resourceVersion) {
        return delete(kind, name, resourceVersion, false);
    }

    /**
     * Deletes the node {@code name} (Swarm's {@code docker node rm}): refused (409) for a manager,
     * and without {@code force} for a node that is up or still has tasks meant to run (see
     * {@link ObjectWrites#nodeRemovalRefusal}). Its tasks are left to the service controller,
     * which replaces the tasks of a node that no longer exists.
     */
    public ApiObject deleteNode(String name, long resourceVersion, boolean force) {
        return delete(Kind.NODE, name, resourceVersion, force);
    }

    private ApiObject delete(Kind<?> kind, String name, long resourceVersion, boolean force) {
        requireWritable(kind);
        for (int attempt = 1; ; attempt++) {
            ApiObject stored = get(kind, name);
            long current = stored.metadata().resourceVersion();
            if (resourceVersion > 0 && current != resourceVersion) {
                throw stale(kind, name, resourceVersion, current);
            }
            if (stored instanceof Node node) {
                List<Task> tasks = store.list(Kind.TASK).items().stream()
                        .filter(t -> t.spec().nodeId().equals(node.id())).toList();
                Optional<String> refusal = ObjectWrites.nodeRemovalRefusal(node, tasks, force);
                if (refusal.isPresent()) {
                    throw new ApiException(ApiError.conflict(refusal.get()));
                }
            }
            try {
                List<WriteOp> ops = new ArrayList<>();
                ops.add(new WriteOp.Delete(kind, name, current));
                if (stored instanceof Service service) {
                    // its revisions go with it
                    Revisions.of(service, revisionsOf(service.name())).forEach(r -> ops.add(WriteOp.delete(r)));
                }
                commit(ops);
                LOG.info("deleted {}{}", ref(kind, name), force ? " (forced)" : "");
                return stored;
            } catch (StoreException.Conflict e) {
                if (resourceVersion > 0 || attempt >= CAS_ATTEMPTS) {
                    long now = store.get(kind, name).map(o -> o.metadata().resourceVersion()).orElse(0L);
                    throw stale(kind, name, resourceVersion > 0 ? resourceVersion : current, now);
                }
            } catch (StoreException.NotFound e) {
                throw new ApiException(ApiError.notFound(ref(kind, name) + " not found"));
            }
        }
    }

    /**
     * Creates or updates every object of a (multi-document) body. Every document is decoded and
     * validated before anything is written; the writes go in one transaction when they fit in
     * one, so a body is applied whole or not at all.
     */
    public List<ApplyResult> apply(String body, String contentType) {
        List<JsonNode> documents = Bodies.readDocuments(body, contentType);
        if (documents.isEmpty()) {
            throw new ApiException(ApiError.badRequest("", "the body holds no object"));
        }
        List<ApiObject> objects = new ArrayList<>();
        List<Boolean> namesNetwork = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < documents.size(); i++) {
            String where = documents.size() == 1 ? "" : "document " + (i + 1) + ": ";
            ApiObject object;
            try {
                object = Codec.decode(documents.get(i));
            } catch (DecodeException e) {
                throw new DecodeException(e.field(), where + e.getMessage());
            }
            Kind<?> kind = Kind.of(object);
            if (!kind.userWritable()) {
                throw new ApiException(ApiError.methodNotAllowed(where + readOnly(kind)));
            }
            try {
                Validation.require(object);
            } catch (ValidationException e) {
                throw new ValidationException(where + ref(kind, object.name()), e.errors());
            }
            if (!seen.add(kind.name() + "/" + object.name())) {
                throw new ApiException(ApiError.badRequest("metadata.name", where + ref(kind, object.name())
                        + " appears twice in the body"));
            }
            objects.add(object);
            namesNetwork.add(namesNetwork(documents.get(i)));
        }
        requireFreePorts(objects, documents.size() > 1);
        for (int attempt = 1; ; attempt++) {
            List<WriteOp> ops = new ArrayList<>();
            List<ApplyResult> results = new ArrayList<>();
            for (int i = 0; i < objects.size(); i++) {
                ApiObject object = objects.get(i);
                Kind<?> kind = Kind.of(object);
                Optional<? extends ApiObject> stored = store.get(kind, object.name());
                if (stored.isPresent()) {
                    try {
                        object = ObjectWrites.withClusterNetwork(stored.get(), object, namesNetwork.get(i));
                    } catch (ApiException e) {
                        String where = objects.size() == 1 ? "" : "document " + (i + 1) + ": ";
                        throw new ApiException(ApiError.badRequest(e.error().field(), where + e.error().message()));
                    }
                }
                if (stored.isEmpty()) {
                    requireCreatable(kind);
                    ops.addAll(writes(Optional.empty(), ObjectWrites.forCreate(object, Ids.random(),
                            clock.instant())));
                    results.add(new ApplyResult(kind.name(), object.name(), "created"));
                } else if (ObjectWrites.sameUserContent(stored.get(), object)) {
                    results.add(new ApplyResult(kind.name(), object.name(), "unchanged"));
                } else {
                    // apply means "make it so": compare against what is stored, not what the file says
                    ApiObject unversioned = object.withMetadata(object.metadata().withResourceVersion(0));
                    ops.addAll(writes(Optional.of(stored.get()), ObjectWrites.forReplace(stored.get(), unversioned)));
                    results.add(new ApplyResult(kind.name(), object.name(), "configured"));
                }
            }
            try {
                commit(ops);
                LOG.info("applied {}", results);
                return List.copyOf(results);
            } catch (StoreException.Conflict | StoreException.AlreadyExists e) {
                if (attempt >= CAS_ATTEMPTS) {
                    throw new ApiException(ApiError.conflict("objects kept changing while they were applied: "
                            + e.getMessage() + "; try again"));
                }
            }
        }
    }

    /**
     * The writes that store {@code toStore} (creating it when {@code stored} is empty, else
     * replacing it), the object's own write first: for a service, with the revision it records
     * ({@link Revisions}) and the revisions that expire, so that a service and its history never
     * disagree. A new service also takes the place of revisions left by an earlier service of
     * its name.
     */
    private List<WriteOp> writes(Optional<? extends ApiObject> stored, ApiObject toStore) {
        if (!(toStore instanceof Service service)) {
            return List.of(stored.isEmpty() ? WriteOp.create(toStore) : WriteOp.update(toStore));
        }
        List<ServiceRevision> kept = revisionsOf(service.name());
        if (stored.isPresent()) {
            return Revisions.onReplace((Service) stored.get(), service, kept, clock.instant()).ops();
        }
        Revisions.Write write = Revisions.onCreate(service, clock.instant());
        List<WriteOp> ops = new ArrayList<>();
        ops.add(WriteOp.create(write.service()));
        // Revisions of this name (an earlier service's, or the stored service's when the name
        // is taken and the create will fail) give way. One with the key of a new revision is
        // overwritten at its version instead of deleted and created: etcd refuses a
        // transaction that touches one key twice ("duplicate key given in txn request").
        Map<String, ServiceRevision> left = new LinkedHashMap<>();
        kept.stream().filter(r -> r.serviceName().equals(service.name())).forEach(r -> left.put(r.name(), r));
        for (ServiceRevision r : write.created()) {
            ServiceRevision old = left.remove(r.name());
            ops.add(old == null ? WriteOp.create(r) : WriteOp.update(
                    r.withMetadata(r.metadata().withResourceVersion(old.metadata().resourceVersion()))));
        }
        left.values().forEach(r -> ops.add(WriteOp.delete(r)));
        return ops;
    }

    /**
     * The stored revisions named after service {@code name} ({@code <name>-<n>}, read as one key
     * range: every service write reads them, so their cost must not grow with the cluster's
     * services). Services named {@code <name>-<more>} may add theirs; {@link Revisions#of} sorts
     * them out by name and uid.
     */
    private List<ServiceRevision> revisionsOf(String name) {
        return store.list(Kind.SERVICE_REVISION, name + "-").items();
    }

    /**
     * Rolls service {@code name} back (Swarm's {@code service rollback}, Kubernetes'
     * {@code rollout undo}): to revision {@code toRevision}, or to the one before the current when
     * it is 0. The revision's spec becomes the service's (with the current replica count) as a new
     * revision, and the rollout controller replaces the tasks by the service's rollback config.
     *
     * @throws ApiException 404 when the service or the revision does not exist, 409 when there is
     *     no earlier revision or the revision's template is the current one
     */
    public Service rollback(String name, long toRevision) {
        for (int attempt = 1; ; attempt++) {
            Service stored = (Service) get(Kind.SERVICE, name);
            List<ServiceRevision> kept = revisionsOf(name);
            List<ServiceRevision> own = Revisions.of(stored, kept);
            ServiceRevision target;
            if (toRevision > 0) {
                target = own.stream().filter(r -> r.revision() == toRevision).findFirst()
                        .orElseThrow(() -> new ApiException(ApiError.notFound(ref(Kind.SERVICE, name)
                                + " has no revision " + toRevision + " (kept: " + numbers(own) + ")")));
            } else {
                target = Revisions.previous(stored, kept).orElseThrow(() -> new ApiException(ApiError.conflict(
                        ref(Kind.SERVICE, name) + " has no revision before " + stored.status().revision()
                                + " to roll back to")));
            }
            if (target.spec().taskTemplate().equals(stored.spec().taskTemplate())) {
                // Kubernetes skips such an undo too: a revision and a rollout that change nothing
                throw new ApiException(ApiError.conflict(ref(Kind.SERVICE, name) + " already runs the template of"
                        + " revision " + target.revision() + " (current revision " + stored.status().revision()
                        + "): nothing to roll back"));
            }
            Revisions.Write write = Revisions.rollback(stored, target, kept, clock.instant(),
                    "rollback to revision " + target.revision() + " requested");
            // the revision's ports may have been published by another service since
            requireFreePorts(write.service());
            try {
                Service written = (Service) store.commit(write.ops()).stored().get(0);
                LOG.info("service {} rolled back to revision {} (now revision {})", name, target.revision(),
                        written.status().revision());
                return written;
            } catch (StoreException.Conflict | StoreException.AlreadyExists e) {
                if (attempt >= CAS_ATTEMPTS) {
                    throw new ApiException(ApiError.conflict(ref(Kind.SERVICE, name)
                            + " kept changing during the rollback; try again"));
                }
            }
        }
    }

    /**
     * Pauses service {@code name}'s rollout ({@code rollout pause}): no further task is replaced
     * until it is resumed. A new revision the rollout controller has not picked up yet is paused
     * before it starts.
     *
     * @throws ApiException 409 when no rollout is in progress
     */
    public Service pauseRollout(String name) {
        return changeRollout(name, true);
    }

    /**
     * Resumes service {@code name}'s paused rollout ({@code rollout resume}); failures are counted
     * afresh from now.
     *
     * @throws ApiException 409 when the rollout is not paused
     */
    public Service resumeRollout(String name) {
        return changeRollout(name, false);
    }

    private Service changeRollout(String name, boolean pause) {
        for (int attempt = 1; ; attempt++) {
            Service stored = (Service) get(Kind.SERVICE, name);
            UpdateStatus update = stored.status().update();
            long revision = stored.status().revision();
            boolean pending = update.revision() != revision && revision > 0;
            java.time.Instant now = clock.instant();
            UpdateStatus next;
            if (pause) {
                if (pending) {
                    next = new UpdateStatus(UpdateState.PAUSED, revision, Optional.of(now), Optional.of(now),
                            "paused by a user");
                } else if (update.state().isActive()) {
                    next = update.ended(update.state().paused(), now, "paused by a user");
                } else {
                    throw new ApiException(ApiError.conflict(ref(Kind.SERVICE, name) + " has no rollout in progress"
                            + " to pause (its rollout is " + update.state().value() + ")"));
                }
            } else {
                if (pending || !update.state().isPaused()) {
                    throw new ApiException(ApiError.conflict(ref(Kind.SERVICE, name) + " has no paused rollout"
                            + " to resume (its rollout is " + (pending ? "starting" : update.state().value()) + ")"));
                }
                next = UpdateStatus.started(update.state().resumed(), revision, now, "resumed by a user");
            }
            try {
                Service written = store.update(stored.withStatus(stored.status().withUpdate(next)));
                LOG.info("service {}: rollout {}", name, pause ? "paused" : "resumed");
                return written;
            } catch (StoreException.Conflict e) {
                if (attempt >= CAS_ATTEMPTS) {
                    throw new ApiException(ApiError.conflict(ref(Kind.SERVICE, name)
                            + " kept changing; try again"));
                }
            } catch (StoreException.NotFound e) {
                throw new ApiException(ApiError.notFound(ref(Kind.SERVICE, name) + " not found"));
            }
        }
    }

    private static String numbers(List<ServiceRevision> revisions) {
        return revisions.isEmpty() ? "none" : String.join(", ",
                revisions.stream().map(r -> Long.toString(r.revision())).toList());
    }

    private void commit(List<WriteOp> ops) {
        if (ops.isEmpty()) {
            return;
        }
        int max = Math.max(1, store.maxTxnOps());
        // Bodies larger than one transaction are applied in chunks; each chunk is still atomic.
        for (int from = 0; from < ops.size(); from += max) {
            store.commit(ops.subList(from, Math.min(ops.size(), from + max)));
        }
    }

    /**
     * The revision a rollback request names: its {@code toRevision}, or 0 (the previous one) for an
     * empty body or {@code {}}.
     *
     * @throws ApiException 400 on field {@code toRevision} for anything but a positive integer or
     *     for another field
     */
    public static long decodeRollback(String body, String contentType) {
        if (body.isBlank()) {
            return 0;
        }
        List<JsonNode> documents = Bodies.readDocuments(body, contentType);
        if (documents.size() != 1 || !documents.get(0).isObject()) {
            throw new ApiException(ApiError.badRequest("", "expected one object like {\"toRevision\": 2}"));
        }
        JsonNode document = documents.get(0);
        for (java.util.Iterator<String> names = document.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!field.equals("toRevision")) {
                throw new ApiException(ApiError.badRequest(field, field + ": unknown field (expected toRevision)"));
            }
        }
        JsonNode to = document.path("toRevision");
        if (to.isMissingNode() || to.isNull()) {
            return 0;
        }
        // canConvertToLong: a number beyond a long would otherwise wrap to another revision's
        if (!to.canConvertToExactIntegral() || !to.canConvertToLong() || to.asLong() < 1 || to.isTextual()) {
            throw new ApiException(ApiError.badRequest("toRevision", "toRevision: expected a revision number"
                    + " (1 or more), got " + to));
        }
        return to.asLong();
    }

    /** Parses the body of a node registration. */
    public static NodeRegistration decodeRegistration(String body, String contentType) {
        List<JsonNode> documents = Bodies.readDocuments(body, contentType);
        if (documents.size() != 1) {
            throw new ApiException(ApiError.badRequest("", "expected one registration object, got "
                    + documents.size()));
        }
        return Codec.bind(documents.get(0), NodeRegistration.class);
    }

    /**
     * Registers a node: creates it (with a new id unless the registration names one) or, for a
     * known id, refreshes its status.
     */
    public Registered register(NodeRegistration registration) {
        return register(registration, NodeRegistration.REGISTERED);
    }

    /**
     * Registers a node as {@link #register(NodeRegistration)} does, with {@code statusMessage} as
     * its status message (the dispatcher marks the nodes that sessions keep alive).
     */
    public Registered register(NodeRegistration registration, String statusMessage) {
        for (int attempt = 1; ; attempt++) {
            String id = registration.id().isEmpty() ? Ids.random() : registration.id();
            Optional<Node> stored = registration.id().isEmpty() ? Optional.empty() : store.get(Kind.NODE, id);
            try {
                if (stored.isPresent()) {
                    Node refreshed = registration.refresh(stored.get(), clock.instant(), statusMessage);
                    Node written = store.update(refreshed);
                    LOG.info("node {} ({}) registered again", id, registration.hostname());
                    return new Registered(written, false);
                }
                Node node = Validation.require(registration.newNode(id, Ids.random(),
                        clock.instant(), statusMessage));
                Node written = store.create(node);
                LOG.info("node {} ({}, {}) registered", id, registration.hostname(), registration.role().value());
                return new Registered(written, true);
            } catch (StoreException.Conflict | StoreException.AlreadyExists | StoreException.NotFound e) {
                if (attempt >= CAS_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private ApiObject decodeOne(String body, String contentType) {
        return Codec.decode(documentOf(body, contentType));
    }

    private static JsonNode documentOf(String body, String contentType) {
        List<JsonNode> documents = Bodies.readDocuments(body, contentType);
        if (documents.size() != 1) {
            throw new ApiException(ApiError.badRequest("", "expected one object in the body, got "
                    + documents.size() + (documents.size() > 1 ? " (use POST /api/v1/apply for several)" : "")));
        }
        return documents.get(0);
    }

    /** Whether a document sets {@code spec.network} (a Cluster that leaves it out keeps the stored one). */
    private static boolean namesNetwork(JsonNode document) {
        JsonNode network = document.path("spec").path("network");
        return !network.isMissingNode() && !network.isNull();
    }

    /** Refuses (409) a service publishing a port that another stored service publishes. */
    private void requireFreePorts(ApiObject object) {
        if (object instanceof Service service && hasPublishedPorts(service)) {
            Optional<ApiError> conflict = PublishedPorts.conflict(service, store.list(Kind.SERVICE).items());
            if (conflict.isPresent()) {
                throw new ApiException(conflict.get());
            }
        }
    }

    /**
     * Refuses (409) an apply body whose services publish a port another service publishes, as the
     * services will be once the body is applied: the stored ones with the body's in their place
     * (so one body may move a port from one service to another).
     */
    private void requireFreePorts(List<ApiObject> objects, boolean manyDocuments) {
        List<Service> services = objects.stream().filter(o -> o instanceof Service).map(o -> (Service) o).toList();
        if (services.stream().noneMatch(ApiOperations::hasPublishedPorts)) {
            return;
        }
        Map<String, Service> after = new LinkedHashMap<>();
        store.list(Kind.SERVICE).items().forEach(s -> after.put(s.name(), s));
        services.forEach(s -> after.put(s.name(), s));
        for (int i = 0; i < objects.size(); i++) {
            if (objects.get(i) instanceof Service service) {
                Optional<ApiError> conflict = PublishedPorts.conflict(service, after.values());
                if (conflict.isPresent()) {
                    ApiError e = conflict.get();
                    String where = manyDocuments ? "document " + (i + 1) + ": " : "";
                    throw new ApiException(new ApiError(e.code(), e.reason(), where + e.message(), e.field()));
                }
            }
        }
    }

    private static boolean hasPublishedPorts(Service service) {
        return service.spec().ports().stream().anyMatch(p -> p.published() > 0);
    }

    private static void requireKind(Kind<?> kind, ApiObject object) {
        if (!object.kind().equals(kind.name())) {
            throw new ApiException(ApiError.badRequest("kind", "the body is a " + object.kind()
                    + " but the URL is for " + kind.plural()));
        }
    }

    private static void requireWritable(Kind<?> kind) {
        if (!kind.userWritable()) {
            throw new ApiException(ApiError.methodNotAllowed(readOnly(kind)));
        }
    }

    private static void requireCreatable(Kind<?> kind) {
        requireWritable(kind);
        if (kind == Kind.NODE) {
            throw new ApiException(ApiError.methodNotAllowed(
                    "nodes are not created directly: they register with POST /api/v1/nodes/register"));
        }
    }

    private static String readOnly(Kind<?> kind) {
        return kind.plural() + " are read-only: controllers and agents write them";
    }

    private static ApiException stale(Kind<?> kind, String name, long given, long stored) {
        return new ApiException(ApiError.conflict(ref(kind, name) + " has changed: resourceVersion " + given
                + " is stale, the stored object is at " + stored + "; get it again and retry"));
    }

    /** {@code service "web"}, as messages name objects. */
    static String ref(Kind<?> kind, String name) {
        return kind.singular().toLowerCase(Locale.ROOT) + " \"" + name + "\"";
    }
}
