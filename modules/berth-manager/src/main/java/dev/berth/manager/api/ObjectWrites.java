package dev.berth.manager.api;

import dev.berth.api.ApiObject;
import dev.berth.api.Cluster;
import dev.berth.api.ClusterSpec;
import dev.berth.api.ClusterStatus;
import dev.berth.api.Kind;
import dev.berth.api.NetworkSpec;
import dev.berth.api.Node;
import dev.berth.api.NodeSpec;
import dev.berth.api.NodeState;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeStatus;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.ServiceStatus;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the API server writes for a create or a replace: the server-owned fields (uid,
 * creationTimestamp, generation, status) come from the server or the stored object, the
 * user-owned ones (labels, annotations, spec) from the request. Pure.
 */
public final class ObjectWrites {

    /** Annotation of the {@code default} Cluster object holding the cluster's id. */
    public static final String CLUSTER_ID_ANNOTATION = "berth.dev/cluster-id";

    /**
     * Annotations the server sets and a client need not send back: a replace or apply without
     * them keeps the stored values (so applying a cluster manifest keeps the cluster id).
     */
    public static final Set<String> SERVER_ANNOTATIONS = Set.of(CLUSTER_ID_ANNOTATION);

    private ObjectWrites() {
    }

    /** The kind whose URL plural is {@code plural} ({@code services}). */
    public static Optional<Kind<?>> kindOfPlural(String plural) {
        return Kind.ALL.stream().filter(k -> k.plural().equals(plural)).findFirst();
    }

    /**
     * The object to store for a create: a new uid, the creation time, generation 1, resourceVersion
     * 0 and an empty status, whatever the request said there.
     */
    public static ApiObject forCreate(ApiObject body, String uid, Instant now) {
        return withEmptyStatus(body.withMetadata(body.metadata().created(uid, now)));
    }

    /**
     * The object to store for a replace of {@code stored} by {@code body}: labels, annotations
     * and spec of the body; uid, creationTimestamp and status of the stored object; generation
     * one up when the spec changed. The resourceVersion to compare against is the body's when it
     * is above 0 (the client's optimistic lock), else the stored one (replace whatever is there).
     */
    public static ApiObject forReplace(ApiObject stored, ApiObject originalBody) {
        ApiObject body = withServerOwnedSpec(stored, originalBody);
        ObjectMeta meta = withServerAnnotations(stored, body.metadata()).replacing(stored.metadata());
        if (!Objects.equals(spec(stored), spec(body))) {
            meta = meta.withGeneration(stored.metadata().generation() + 1);
        }
        if (body.metadata().resourceVersion() > 0) {
            meta = meta.withResourceVersion(body.metadata().resourceVersion());
        }
        return withStatusOf(withSpecOf(stored, body), stored).withMetadata(meta);
    }

    /** Whether {@code body} would change nothing the user owns in {@code stored}. */
    public static boolean sameUserContent(ApiObject stored, ApiObject originalBody) {
        ApiObject body = withServerOwnedSpec(stored, originalBody);
        return Objects.equals(spec(stored), spec(body))
                && stored.metadata().labels().equals(body.metadata().labels())
                && stored.metadata().annotations().equals(withServerAnnotations(stored, body.metadata()).annotations());
    }

    /**
     * {@code body} with the parts of the spec a user does not own taken from {@code stored}: a
     * node's role is what it joined as (a worker token makes a worker), so a replace or an apply
     * of a Node changes only its availability, labels and annotations, and a manifest that leaves
     * {@code role} out does not demote a manager; its {@code subnet} is the network controller's
     * (containers on the node live in it), so a user's write never moves or clears it. A service's
     * {@code forceUpdate} never goes down: a body with a lower one (a manifest without it) keeps
     * the stored counter.
     */
    static ApiObject withServerOwnedSpec(ApiObject stored, ApiObject body) {
        if (stored instanceof Service s && body instanceof Service b
                && b.spec().forceUpdate() < s.spec().forceUpdate()) {
            // a counter only goes up: a manifest that leaves it out (as every file written before
            // a restart does) must not count as a change that replaces every task once more, as
            // docker stack deploy keeps ForceUpdate
            return b.withSpec(b.spec().withForceUpdate(s.spec().forceUpdate()));
        }
        if (stored instanceof Node s && body instanceof Node b) {
            NodeSpec kept = new NodeSpec(s.spec().role(), b.spec().availability(), s.spec().subnet());
            return kept.equals(b.spec()) ? b : b.withSpec(kept);
        }
        return body;
    }

    /**
     * {@code body} (a Cluster replacing {@code stored}) with the stored {@code spec.network} when
     * the body leaves it out, so that a manifest written for the timings does not touch the
     * network; other objects as they are.
     *
     * @param bodyNamesNetwork whether the request's document has a {@code spec.network}
     * @throws ApiException 400 on field {@code spec.network} when the body names another network:
     *     node subnets and virtual IPs were carved from it and live on in containers
     */
    public static ApiObject withClusterNetwork(ApiObject stored, ApiObject body, boolean bodyNamesNetwork) {
        if (!(stored instanceof Cluster s) || !(body instanceof Cluster b)) {
            return body;
        }
        if (!bodyNamesNetwork) {
            ClusterSpec spec = new ClusterSpec(b.spec().taskHistoryLimit(), b.spec().dispatcher(),
                    s.spec().network());
            return new Cluster(b.apiVersion(), b.kind(), b.metadata(), spec, b.status());
        }
        if (!b.spec().network().equals(s.spec().network())) {
            NetworkSpec n = s.spec().network();
            throw new ApiException(ApiError.badRequest("spec.network", "spec.network: cannot change once the"
                    + " cluster exists (it is containerCidr " + n.containerCidr() + ", nodeSubnetPrefix "
                    + n.nodeSubnetPrefix() + ", serviceCidr " + n.serviceCidr() + "; node subnets and service"
                    + " virtual IPs were given from it)"));
        }
        return body;
    }

    /**
     * Why {@code node} may not be removed now, or empty when it may; Swarm's rules for
     * {@code docker node rm}. A manager is never removed (it holds an etcd member and may run the
     * controllers: it leaves with {@code berth leave --force} on its own server). Without
     * {@code force}, a node that is up, or that still has tasks meant to run, stays: removing it
     * would strand those tasks on a machine that may come back.
     *
     * @param tasks the tasks placed on the node (any state)
     */
    public static java.util.Optional<String> nodeRemovalRefusal(Node node, List<Task> tasks, boolean force) {
        String name = "node " + node.id() + (node.status().hostname().isEmpty() ? ""
                : " (" + node.status().hostname() + ")");
        if (node.spec().role() == NodeRole.MANAGER) {
            return java.util.Optional.of(name + " is a manager: a manager cannot be removed; stop it with"
                    + " 'berth leave --force' on that server");
        }
        if (force) {
            return java.util.Optional.empty();
        }
        if (node.status().state() == NodeState.READY) {
            return java.util.Optional.of(name + " is not down and can't be removed; use --force"
                    + " (or run 'berth leave' on it first)");
        }
        long meantToRun = tasks.stream().filter(t -> t.spec().nodeId().equals(node.id()))
                .filter(t -> t.spec().desiredState().ordinal() <= TaskState.RUNNING.ordinal()).count();
        if (meantToRun > 0) {
            return java.util.Optional.of(name + " still has " + meantToRun + (meantToRun == 1 ? " task" : " tasks")
                    + " meant to run and can't be removed; use --force");
        }
        return java.util.Optional.empty();
    }

    private static ObjectMeta withServerAnnotations(ApiObject stored, ObjectMeta meta) {
        Map<String, String> annotations = new HashMap<>(meta.annotations());
        for (String key : SERVER_ANNOTATIONS) {
            String value = stored.metadata().annotations().get(key);
            if (value != null) {
                annotations.putIfAbsent(key, value);
            }
        }
        if (annotations.equals(meta.annotations())) {
            return meta;
        }
        return meta.withAnnotations(annotations);
    }

    /** The spec record of any object, for comparisons. */
    public static Object spec(ApiObject object) {
        if (object instanceof Service s) {
            return s.spec();
        }
        if (object instanceof Node n) {
            return n.spec();
        }
        if (object instanceof Cluster c) {
            return c.spec();
        }
        if (object instanceof Task t) {
            return t.spec();
        }
        throw new IllegalArgumentException("unknown object type " + object.getClass());
    }

    private static ApiObject withSpecOf(ApiObject target, ApiObject source) {
        if (target instanceof Service t && source instanceof Service s) {
            return t.withSpec(s.spec());
        }
        if (target instanceof Node t && source instanceof Node s) {
            return t.withSpec(s.spec());
        }
        if (target instanceof Cluster t && source instanceof Cluster s) {
            return new Cluster(t.apiVersion(), t.kind(), t.metadata(), s.spec(), t.status());
        }
        if (target instanceof Task t && source instanceof Task s) {
            return t.withSpec(s.spec());
        }
        throw new IllegalArgumentException("cannot replace a " + target.kind() + " with a " + source.kind());
    }

    private static ApiObject withStatusOf(ApiObject target, ApiObject source) {
        if (target instanceof Service t && source instanceof Service s) {
            return t.withStatus(s.status());
        }
        if (target instanceof Node t && source instanceof Node s) {
            return t.withStatus(s.status());
        }
        if (target instanceof Cluster t && source instanceof Cluster s) {
            return new Cluster(t.apiVersion(), t.kind(), t.metadata(), t.spec(), s.status());
        }
        if (target instanceof Task t && source instanceof Task s) {
            return t.withStatus(s.status());
        }
        throw new IllegalArgumentException("cannot replace a " + target.kind() + " with a " + source.kind());
    }

    private static ApiObject withEmptyStatus(ApiObject object) {
        if (object instanceof Service s) {
            return s.withStatus(ServiceStatus.EMPTY);
        }
        if (object instanceof Node n) {
            return n.withStatus(new NodeStatus(null, null, null, null, null, null, null));
        }
        if (object instanceof Cluster c) {
            return new Cluster(c.apiVersion(), c.kind(), c.metadata(), c.spec(), ClusterStatus.EMPTY);
        }
        if (object instanceof Task t) {
            return t.withStatus(null);
        }
        throw new IllegalArgumentException("unknown object type " + object.getClass());
    }
}
