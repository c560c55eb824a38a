package dev.berth.store.etcd;

import com.google.common.base.Throwables;
import dev.berth.api.ApiObject;
import dev.berth.api.Kind;
import dev.berth.api.codec.Codec;
import dev.berth.store.Listing;
import dev.berth.store.ObjectStore;
import dev.berth.store.StoreException;
import dev.berth.store.TxnResult;
import dev.berth.store.Watch;
import dev.berth.store.WatchEvent;
import dev.berth.store.WatchListener;
import dev.berth.store.WriteOp;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@link ObjectStore} over etcd (jetcd). Keys are {@code <prefix>/berth/v1/<plural>/<name>},
 * values the object's JSON with resourceVersion 0; the resourceVersion read back is the key's
 * mod_revision. Creates compare create_revision with 0, updates and conditional deletes compare
 * mod_revision, and {@link #commit} is one etcd transaction.
 *
 * <pre>{@code
 * try (EtcdStore store = EtcdStore.connect(List.of("http://127.0.0.1:2379"), "")) {
 *     Service s = store.create(service);
 *     store.update(s.withSpec(newSpec));       // CAS on s.metadata().resourceVersion()
 * }
 * }</pre>
 */
public final class EtcdStore implements ObjectStore {

    /** etcd's default {@code --max-txn-ops}. */
    public static final int MAX_TXN_OPS = 128;
    /** The default bound on each blocking call. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LogManager.getLogger(EtcdStore.class);
    private static final int LIST_PAGE = 1000;
    private static final GetOption COUNT_ONLY = GetOption.builder().withCountOnly(true).build();

    private final Client client;
    private final boolean ownsClient;
    private final KV kv;
    /** Shared by every reader of this store: several informers watch the same keys. */
    private final DecodeCache decodeCache = new DecodeCache(8192);
    private final String prefix;
    private final String root;
    private final long timeoutMillis;

    private EtcdStore(Client client, boolean ownsClient, String prefix, Duration timeout) {
        if (prefix == null) {
            prefix = "";
        }
        if (prefix.endsWith("/")) {
            throw new IllegalArgumentException("store prefix must not end with '/': " + prefix);
        }
        if (!prefix.isEmpty() && !prefix.startsWith("/")) {
            throw new IllegalArgumentException("store prefix must be empty or start with '/': " + prefix);
        }
        this.client = client;
        this.ownsClient = ownsClient;
        this.kv = client.getKVClient();
        this.prefix = prefix;
        this.root = prefix + "/berth/v1/";
        this.timeoutMillis = timeout.toMillis();
    }

    /** A store on its own new client to {@code endpoints}; closing the store closes the client. */
    public static EtcdStore connect(List<String> endpoints, String prefix) {
        return new EtcdStore(newClient(endpoints), true, prefix, DEFAULT_TIMEOUT);
    }

    /**
     * A jetcd client configured as Berth needs it (e.g. for {@link #over} with a shared client);
     * the caller closes it.
     */
    public static Client newClient(List<String> endpoints) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoints given");
        }
        return Client.builder()
                .endpoints(endpoints.toArray(String[]::new))
                // Listings are paged, but a watch response with many big objects may still be large.
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
    }

    /** A store over a client owned by the caller; closing the store leaves the client open. */
    public static EtcdStore over(Client client, String prefix) {
        return new EtcdStore(client, false, prefix, DEFAULT_TIMEOUT);
    }

    /** A store over a caller-owned client with another bound on blocking calls. */
    public static EtcdStore over(Client client, String prefix, Duration timeout) {
        return new EtcdStore(client, false, prefix, timeout);
    }

    /** The jetcd client, for leases and elections next to the store. */
    public Client client() {
        return client;
    }

    /** The key prefix ("" in production). */
    public String prefix() {
        return prefix;
    }

    /** The etcd key of an object. */
    public String key(Kind<?> kind, String name) {
        return root + kind.plural() + "/" + name;
    }

    /** The key prefix under which all objects of a kind live (ends with '/'). */
    public String kindPrefix(Kind<?> kind) {
        return root + kind.plural() + "/";
    }

    @Override
    public int maxTxnOps() {
        return MAX_TXN_OPS;
    }

    @Override
    public <T extends ApiObject> Optional<T> get(Kind<T> kind, String name) {
        GetResponse response = await(kv.get(bytes(key(kind, name))), "get " + kind + " " + name);
        if (response.getKvs().isEmpty()) {
            return Optional.empty();
        }
        KeyValue kvp = response.getKvs().get(0);
        return Optional.of(decoded(kind, kvp, kvp.getValue(), kvp.getModRevision()));
    }

    @Override
    public <T extends ApiObject> Listing<T> list(Kind<T> kind) {
        return list(kind, "");
    }

    @Override
    public <T extends ApiObject> Listing<T> list(Kind<T> kind, String namePrefix) {
        String start = kindPrefix(kind) + namePrefix;
        ByteSequence end = bytes(rangeEnd(start));
        List<T> items = new ArrayList<>();
        long revision = 0;
        ByteSequence from = bytes(start);
        // Paged at one revision, so that the listing is a consistent snapshot of any size.
        while (true) {
            GetOption.Builder option = GetOption.builder().withRange(end).withLimit(LIST_PAGE);
            if (revision > 0) {
                option.withRevision(revision);
            }
            GetResponse page = await(kv.get(from, option.build()), "list " + kind.plural());
            if (revision == 0) {
                revision = page.getHeader().getRevision();
            }
            for (KeyValue kvp : page.getKvs()) {
                items.add(decoded(kind, kvp, kvp.getValue(), kvp.getModRevision()));
            }
            if (!page.isMore() || page.getKvs().isEmpty()) {
                break;
            }
            byte[] last = page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes();
            from = ByteSequence.from(Arrays.copyOf(last, last.length + 1)); // the next key after it
        }
        return new Listing<>(items, revision);
    }

    @Override
    public <T extends ApiObject> T create(T object) {
        Kind<T> kind = Kind.of(object);
        ByteSequence key = bytes(key(kind, object.name()));
        TxnResponse response = await(kv.txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(key, encode(object), PutOption.DEFAULT))
                .commit(), "create " + describe(object));
        if (!response.isSucceeded()) {
            throw new StoreException.AlreadyExists(kind.singular() + " " + object.name() + " already exists");
        }
        return withVersion(kind, object, response.getHeader().getRevision());
    }

    @Override
    public <T extends ApiObject> T update(T object) {
        Kind<T> kind = Kind.of(object);
        ByteSequence key = bytes(key(kind, object.name()));
        long expected = object.metadata().resourceVersion();
        TxnResponse response = await(kv.txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expected)))
                .Then(Op.put(key, encode(object), PutOption.DEFAULT))
                .Else(Op.get(key, COUNT_ONLY_KEYS))
                .commit(), "update " + describe(object));
        if (!response.isSucceeded()) {
            throw failedCompare(kind, object.name(), expected, response.getGetResponses().get(0));
        }
        return withVersion(kind, object, response.getHeader().getRevision());
    }

    @Override
    public void delete(Kind<?> kind, String name, long expectedVersion) {
        ByteSequence key = bytes(key(kind, name));
        Cmp cmp = expectedVersion > 0
                ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedVersion))
                : new Cmp(key, Cmp.Op.GREATER, CmpTarget.createRevision(0));
        TxnResponse response = await(kv.txn()
                .If(cmp)
                .Then(Op.delete(key, DeleteOption.DEFAULT))
                .Else(Op.get(key, COUNT_ONLY_KEYS))
                .commit(), "delete " + kind.singular() + " " + name);
        if (!response.isSucceeded()) {
            throw failedCompare(kind, name, expectedVersion, response.getGetResponses().get(0));
        }
    }

    @Override
    public TxnResult commit(List<WriteOp> ops) {
        if (ops.size() > MAX_TXN_OPS) {
            throw new IllegalArgumentException("a transaction may carry at most " + MAX_TXN_OPS
                    + " operations, got " + ops.size() + "; split it");
        }
        if (ops.isEmpty()) {
            return new TxnResult(currentRevision(), List.of());
        }
        List<Cmp> cmps = new ArrayList<>(ops.size());
        Op[] thens = new Op[ops.size()];
        Op[] elses = new Op[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            WriteOp op = ops.get(i);
            ByteSequence key = bytes(keyOf(op));
            if (op instanceof WriteOp.Create c) {
                cmps.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)));
                thens[i] = Op.put(key, encode(c.object()), PutOption.DEFAULT);
            } else if (op instanceof WriteOp.Update u) {
                cmps.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(u.object().metadata().resourceVersion())));
                thens[i] = Op.put(key, encode(u.object()), PutOption.DEFAULT);
            } else {
                WriteOp.Delete d = (WriteOp.Delete) op;
                if (d.expectedVersion() > 0) {
                    cmps.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(d.expectedVersion())));
                }
                thens[i] = Op.delete(key, DeleteOption.DEFAULT);
            }
            // Read back on failure only, to say which object conflicted.
            elses[i] = Op.get(key, COUNT_ONLY_KEYS);
        }
        TxnResponse response = await(kv.txn()
                .If(cmps.toArray(Cmp[]::new))
                .Then(thens)
                .Else(elses)
                .commit(), "commit of " + ops.size() + " operations");
        if (!response.isSucceeded()) {
            throw txnConflict(ops, response.getGetResponses());
        }
        long revision = response.getHeader().getRevision();
        List<ApiObject> stored = new ArrayList<>();
        for (WriteOp op : ops) {
            if (op instanceof WriteOp.Create c) {
                stored.add(c.object().withMetadata(c.object().metadata().withResourceVersion(revision)));
            } else if (op instanceof WriteOp.Update u) {
                stored.add(u.object().withMetadata(u.object().metadata().withResourceVersion(revision)));
            }
        }
        return new TxnResult(revision, stored);
    }

    @Override
    public <T extends ApiObject> Watch watch(Kind<T> kind, long afterRevision, WatchListener<T> listener) {
        return new EtcdWatch<>(kind, afterRevision, listener);
    }

    @Override
    public long currentRevision() {
        return await(kv.get(bytes(root), COUNT_ONLY), "read the current revision").getHeader().getRevision();
    }

    /**
     * Compacts etcd's history up to {@code revision} (physically, waiting for it); watches from
     * an older revision then report {@link WatchListener#onCompacted}. For tests and operators.
     */
    public void compact(long revision) {
        await(kv.compact(revision, CompactOption.builder().withCompactPhysical(true).build()),
                "compact to revision " + revision);
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    // -- encoding ---------------------------------------------------------------------------

    /** Keys and revisions only: enough for the conflict message, cheap to return. */
    private static final GetOption COUNT_ONLY_KEYS = GetOption.builder().withKeysOnly(true).build();

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** The end of the key range of every key that starts with {@code prefix} (its last character one up). */
    static String rangeEnd(String prefix) {
        return prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
    }

    private static ByteSequence encode(ApiObject object) {
        // resourceVersion is the key's mod_revision; storing it would only go stale.
        ApiObject unversioned = object.metadata().resourceVersion() == 0 ? object
                : object.withMetadata(object.metadata().withResourceVersion(0));
        return ByteSequence.from(Codec.toJsonBytes(unversioned));
    }

    /**
     * {@link #decode}, once per key and revision for all of this store's readers (a delete's last
     * value is cached under the delete's revision, which no put shares).
     */
    private <T extends ApiObject> T decoded(Kind<T> kind, KeyValue kvp, ByteSequence value, long revision) {
        return decodeCache.get(kvp.getKey().toString(StandardCharsets.UTF_8), revision, kind.type(), () -> decode(kind, value, revision));
    }

    static <T extends ApiObject> T decode(Kind<T> kind, ByteSequence value, long modRevision) {
        T object = Codec.fromJsonBytes(value.getBytes(), kind);
        return withVersion(kind, object, modRevision);
    }

    private static <T extends ApiObject> T withVersion(Kind<T> kind, T object, long revision) {
        return kind.type().cast(object.withMetadata(object.metadata().withResourceVersion(revision)));
    }

    private String keyOf(WriteOp op) {
        if (op instanceof WriteOp.Create c) {
            return key(Kind.of(c.object()), c.object().name());
        }
        if (op instanceof WriteOp.Update u) {
            return key(Kind.of(u.object()), u.object().name());
        }
        WriteOp.Delete d = (WriteOp.Delete) op;
        return key(d.kind(), d.name());
    }

    private static String describe(ApiObject object) {
        return object.kind().toLowerCase(java.util.Locale.ROOT) + " " + object.name();
    }

    private static StoreException failedCompare(Kind<?> kind, String name, long expected, GetResponse current) {
        if (current.getKvs().isEmpty()) {
            return new StoreException.NotFound(kind.singular() + " " + name + " not found");
        }
        long actual = current.getKvs().get(0).getModRevision();
        return new StoreException.Conflict(kind.singular() + " " + name + " was modified: expected version "
                + expected + ", stored version " + actual + "; read it again and retry");
    }

    private static StoreException txnConflict(List<WriteOp> ops, List<GetResponse> current) {
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < ops.size() && i < current.size(); i++) {
            WriteOp op = ops.get(i);
            List<KeyValue> kvs = current.get(i).getKvs();
            long actual = kvs.isEmpty() ? 0 : kvs.get(0).getModRevision();
            if (op instanceof WriteOp.Create c) {
                if (actual != 0) {
                    reasons.add(describe(c.object()) + " already exists");
                }
            } else if (op instanceof WriteOp.Update u) {
                long expected = u.object().metadata().resourceVersion();
                if (actual != expected) {
                    reasons.add(describe(u.object()) + (actual == 0 ? " not found"
                            : " expected version " + expected + ", stored version " + actual));
                }
            } else {
                WriteOp.Delete d = (WriteOp.Delete) op;
                if (d.expectedVersion() > 0 && actual != d.expectedVersion()) {
                    reasons.add(d.kind().singular() + " " + d.name() + (actual == 0 ? " not found"
                            : " expected version " + d.expectedVersion() + ", stored version " + actual));
                }
            }
        }
        return new StoreException.Conflict("transaction of " + ops.size() + " operations not applied: "
                + (reasons.isEmpty() ? "a precondition failed" : String.join("; ", reasons)));
    }

    // -- blocking and errors ------------------------------------------------------------------

    private <R> R await(CompletableFuture<R> future, String what) {
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable(what + ": interrupted", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StoreException.Unavailable(what + ": etcd did not answer within " + timeoutMillis + " ms", e);
        } catch (ExecutionException e) {
            throw translate(what, e.getCause());
        }
    }

    private static RuntimeException translate(String what, Throwable error) {
        Throwable root = Throwables.getRootCause(error);
        if (root instanceof CompactedException ce) {
            return new StoreException.Compacted(what + ": revision compacted", ce.getCompactedRevision());
        }
        for (Throwable t : Throwables.getCausalChain(error)) {
            if (t instanceof StatusRuntimeException sre && sre.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
                return new IllegalArgumentException(what + ": etcd refused it: " + sre.getStatus().getDescription(), sre);
            }
        }
        return new StoreException.Unavailable(what + ": " + root, error);
    }

    // -- watch --------------------------------------------------------------------------------

    /** One jetcd watch, re-delivered on its own thread in order. */
    private final class EtcdWatch<T extends ApiObject> implements Watch, io.etcd.jetcd.Watch.Listener {
        private final Kind<T> kind;
        private final WatchListener<T> listener;
        private final ExecutorService delivery;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile io.etcd.jetcd.Watch.Watcher watcher;

        EtcdWatch(Kind<T> kind, long afterRevision, WatchListener<T> listener) {
            this.kind = kind;
            this.listener = listener;
            this.delivery = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "watch-" + kind.plural());
                t.setDaemon(true);
                return t;
            });
            WatchOption.Builder option = WatchOption.builder()
                    .withRange(bytes(rangeEnd(kindPrefix(kind))))
                    .withPrevKV(true);
            if (afterRevision > 0) {
                option.withRevision(afterRevision + 1);
            }
            this.watcher = client.getWatchClient().watch(bytes(kindPrefix(kind)), option.build(), this);
        }

        @Override
        public void onNext(WatchResponse response) {
            List<io.etcd.jetcd.watch.WatchEvent> raw = response.getEvents();
            if (raw.isEmpty()) {
                return;
            }
            List<WatchEvent<T>> events = new ArrayList<>(raw.size());
            for (io.etcd.jetcd.watch.WatchEvent e : raw) {
                KeyValue kvp = e.getKeyValue();
                long revision = kvp.getModRevision();
                try {
                    if (e.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.PUT) {
                        WatchEvent.Type type = kvp.getCreateRevision() == kvp.getModRevision()
                                ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED;
                        events.add(new WatchEvent<>(type, decoded(kind, kvp, kvp.getValue(), revision), revision));
                    } else if (e.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE) {
                        KeyValue prev = e.getPrevKV();
                        if (prev == null || prev.getValue().isEmpty()) {
                            LOG.warn("delete of {} at revision {} came without its last value; skipped",
                                    kvp.getKey(), revision);
                            continue;
                        }
                        events.add(new WatchEvent<>(WatchEvent.Type.DELETED, decoded(kind, kvp, prev.getValue(), revision),
                                revision));
                    }
                } catch (RuntimeException decodeError) {
                    LOG.error("cannot decode {} at revision {}; skipped: {}", kvp.getKey(), revision,
                            decodeError.getMessage());
                }
            }
            if (!events.isEmpty()) {
                deliver(() -> listener.onEvents(List.copyOf(events)));
            }
        }

        @Override
        public void onError(Throwable error) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            Throwable root = Throwables.getRootCause(error);
            if (root instanceof CompactedException ce) {
                deliver(() -> listener.onCompacted(ce.getCompactedRevision()));
            } else {
                StoreException failure = new StoreException.Unavailable(
                        "watch of " + kind.plural() + " failed: " + root, error);
                deliver(() -> listener.onError(failure));
            }
            deliver(delivery::shutdown);
            io.etcd.jetcd.Watch.Watcher w = watcher;
            if (w != null) {
                w.close();
            }
        }

        @Override
        public void onCompleted() {
            if (ended.compareAndSet(false, true)) {
                // jetcd completes a watch only when it is closed; tell the watcher if it was not us.
                deliver(() -> listener.onError(new StoreException.Unavailable(
                        "watch of " + kind.plural() + " ended", null)));
                deliver(delivery::shutdown);
            }
        }

        private void deliver(Runnable task) {
            try {
                delivery.execute(() -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.error("watch listener of {} failed", kind.plural(), e);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Closed: the listener no longer wants events.
            }
        }

        @Override
        public void close() {
            ended.set(true);
            watcher.close();
            delivery.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "EtcdStore[" + (prefix.isEmpty() ? "/" : prefix) + "]";
    }

}
