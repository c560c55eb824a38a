package dev.berth.manager.pki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.NodeRole;
import dev.berth.api.codec.Codec;
import dev.berth.store.StoreException;
import dev.berth.store.etcd.EtcdStore;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Where the cluster CA and the join secrets live: {@code <prefix>/berth/v1/pki/ca} (JSON
 * {@code {"certificate": PEM, "key": PEM}}) and {@code <prefix>/berth/v1/pki/join-secrets}
 * ({@code {"worker": s, "manager": s}}), beside the API objects but not among them. The first
 * manager creates both (create-if-absent transactions, so two managers starting at once agree on
 * one CA); rotation is a compare-and-swap. Every call blocks.
 */
public final class PkiStore {

    /** The key of the CA, under the store's prefix. */
    public static final String CA_KEY = "/berth/v1/pki/ca";
    /** The key of the join secrets, under the store's prefix. */
    public static final String SECRETS_KEY = "/berth/v1/pki/join-secrets";

    private static final long TIMEOUT_SECONDS = 10;
    private static final int CAS_ATTEMPTS = 5;

    private final KV kv;
    private final String prefix;

    public PkiStore(EtcdStore store) {
        this.kv = store.client().getKVClient();
        this.prefix = store.prefix();
    }

    /** The cluster's CA; created (CN {@code berth-ca <clusterId>}) and stored if there is none yet. */
    public ClusterCa loadOrCreateCa(String clusterId, Clock clock) {
        return loadOrCreate(CA_KEY, () -> {
            ClusterCa ca = ClusterCa.create(clusterId, clock);
            ObjectNode json = Codec.json().createObjectNode();
            json.put("certificate", ca.certificatePem());
            json.put("key", ca.keyPem());
            return json;
        }, json -> ClusterCa.fromPem(json.path("certificate").asText(), json.path("key").asText()));
    }

    /** The join secrets; created if there are none yet. */
    public JoinSecrets loadOrCreateSecrets() {
        return loadOrCreate(SECRETS_KEY, () -> secretsJson(JoinSecrets.random()), PkiStore::secrets);
    }

    /** The join secrets as stored now (a rotation on any manager shows at once). */
    public JoinSecrets secrets() {
        Optional<KeyValue> kv = get(SECRETS_KEY);
        if (kv.isEmpty()) {
            return loadOrCreateSecrets();
        }
        return secrets(json(kv.get()));
    }

    /** Replaces {@code role}'s secret with a new random one; returns the secrets after. */
    public JoinSecrets rotate(NodeRole role) {
        for (int attempt = 1; ; attempt++) {
            Optional<KeyValue> current = get(SECRETS_KEY);
            if (current.isEmpty()) {
                loadOrCreateSecrets();
                continue;
            }
            JoinSecrets next = secrets(json(current.get())).rotated(role);
            TxnResponse r = await(kv.txn()
                    .If(new Cmp(key(SECRETS_KEY), Cmp.Op.EQUAL, CmpTarget.modRevision(current.get().getModRevision())))
                    .Then(Op.put(key(SECRETS_KEY), bytes(secretsJson(next)), PutOption.DEFAULT))
                    .commit(), "rotate the " + role.value() + " join secret");
            if (r.isSucceeded()) {
                return next;
            }
            if (attempt >= CAS_ATTEMPTS) {
                throw new StoreException.Conflict("the join secrets changed " + CAS_ATTEMPTS + " times while rotating");
            }
        }
    }

    private <T> T loadOrCreate(String key, Supplier<JsonNode> create, java.util.function.Function<JsonNode, T> read) {
        for (int attempt = 1; ; attempt++) {
            Optional<KeyValue> existing = get(key);
            if (existing.isPresent()) {
                return read.apply(json(existing.get()));
            }
            JsonNode fresh = create.get();
            TxnResponse r = await(kv.txn()
                    .If(new Cmp(key(key), Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(key(key), bytes(fresh), PutOption.DEFAULT))
                    .commit(), "create " + key);
            if (r.isSucceeded()) {
                return read.apply(fresh);
            }
            // another manager created it at the same moment: read theirs
            if (attempt >= CAS_ATTEMPTS) {
                throw new StoreException.Conflict(key + " changed " + CAS_ATTEMPTS + " times while being created");
            }
        }
    }

    private static JoinSecrets secrets(JsonNode json) {
        return new JoinSecrets(json.path("worker").asText(), json.path("manager").asText());
    }

    private static JsonNode secretsJson(JoinSecrets s) {
        ObjectNode json = Codec.json().createObjectNode();
        json.put("worker", s.worker());
        json.put("manager", s.manager());
        return json;
    }

    private Optional<KeyValue> get(String key) {
        GetResponse r = await(kv.get(key(key)), "read " + key);
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(r.getKvs().get(0));
    }

    private static JsonNode json(KeyValue kv) {
        try {
            return Codec.json().readTree(kv.getValue().getBytes());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable " + kv.getKey().toString(StandardCharsets.UTF_8) + ": "
                    + e.getMessage(), e);
        }
    }

    private ByteSequence key(String key) {
        return ByteSequence.from(prefix + key, StandardCharsets.UTF_8);
    }

    private static ByteSequence bytes(JsonNode json) {
        return ByteSequence.from(Codec.toJsonBytes(json));
    }

    private static <R> R await(CompletableFuture<R> future, String what) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable(what + ": interrupted", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StoreException.Unavailable(what + ": etcd did not answer within " + TIMEOUT_SECONDS + " s", e);
        } catch (ExecutionException e) {
            throw new StoreException.Unavailable(what + ": " + e.getCause(), e.getCause());
        }
    }
}
