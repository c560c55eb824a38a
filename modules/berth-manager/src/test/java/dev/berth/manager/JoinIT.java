package dev.berth.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.agent.AssignmentHandler;
import dev.berth.agent.join.JoinClient;
import dev.berth.agent.join.JoinException;
import dev.berth.agent.join.JoinState;
import dev.berth.agent.join.JoinedNode;
import dev.berth.agent.join.NodeKeys;
import dev.berth.agent.session.AgentSession;
import dev.berth.agent.session.AgentSessionConfig;
import dev.berth.agent.session.SessionTls;
import dev.berth.api.ByteSize;
import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeState;
import dev.berth.api.ResourceList;
import dev.berth.api.codec.Codec;
import dev.berth.api.join.JoinRequest;
import dev.berth.api.join.JoinToken;
import dev.berth.api.session.SessionMessage;
import dev.berth.manager.pki.ClusterCa;
import dev.berth.manager.pki.JoinService;
import dev.berth.manager.pki.NodeIdentity;
import dev.berth.manager.pki.PkiStore;
import dev.berth.store.ObjectStore;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Joins and mutual-TLS sessions on a real manager's cluster port (loopback, test etcd, no
 * Docker): the right token gives a Node and a certificate that opens a session; wrong, rotated
 * and other clusters' tokens are refused with etcd unchanged; a session needs a certificate of
 * the cluster CA, its Hello may not claim another node, and a removed node cannot come back.
 */
@ExtendWith(EtcdExtension.class)
class JoinIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static EtcdTestEnv env;
    private static Manager manager;
    private static ObjectStore store;
    private static Vertx vertx;
    private static String cluster;

    @BeforeAll
    static void start(EtcdTestEnv etcd) throws Exception {
        env = etcd;
        manager = TestSupport.start(env, TestSupport.config(env, Files.createTempDirectory("berth-join-it")));
        store = env.newStore();
        vertx = Vertx.vertx();
        cluster = "127.0.0.1:" + manager.clusterPort();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        manager.close();
    }

    private static JoinRequest node(String hostname) {
        return new JoinRequest("", hostname, "10.0.0.9", "", Map.of("zone", "a"), 2, new ByteSize(1L << 30), "20.10");
    }

    private static JoinedNode join(String hostname) {
        return new JoinClient(vertx).join(cluster, JoinToken.parse(manager.pki().tokens().worker()), node(hostname));
    }

    @Test
    void caIsServedAndItsFingerprintIsTheTokens() throws Exception {
        Reply ca = request(HttpMethod.GET, "/api/v1/ca", null);
        assertThat(ca.status()).isEqualTo(200);
        X509Certificate cert = NodeKeys.certificate(ca.body());
        assertThat(JoinToken.fingerprint(cert.getEncoded())).isEqualTo(manager.pki().ca().fingerprint());
        assertThat(JoinToken.parse(manager.pki().tokens().worker()).caFingerprint())
                .isEqualTo(manager.pki().ca().fingerprint());
        assertThat(cert.getSubjectX500Principal().getName()).contains("berth-ca " + manager.clusterId());
        // the CA lives in etcd under /berth/v1/pki/ca, not among the API objects
        assertThat(TestSupport.snapshot(env)).containsKey(env.prefix() + PkiStore.CA_KEY);
    }

    @Test
    void joinGivesANodeAndACertificateThatOpensASession(@TempDir Path dir) throws Exception {
        JoinedNode joined = join("worker-1");

        Node node = store.get(Kind.NODE, joined.nodeId()).orElseThrow();
        assertThat(node.status().hostname()).isEqualTo("worker-1");
        assertThat(node.spec().role()).isEqualTo(NodeRole.WORKER);
        assertThat(node.metadata().labels()).containsEntry("zone", "a");
        X509Certificate cert = NodeKeys.certificate(joined.certificatePem());
        NodeIdentity identity = manager.pki().verify(cert).orElseThrow();
        assertThat(identity).isEqualTo(new NodeIdentity(joined.nodeId(), manager.clusterId(), NodeRole.WORKER));
        assertThat(joined.managers()).containsExactly(manager.managerAddresses().get(0));

        JoinState state = JoinState.write(dir, joined);
        assertThat(Files.getPosixFilePermissions(state.tls().key()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        AgentSession session = session(dir, "", cluster, state.tls());
        await().atMost(WAIT).until(session::isConnected);
        assertThat(session.nodeId()).contains(joined.nodeId());
        await().atMost(WAIT).until(() -> store.get(Kind.NODE, joined.nodeId()).orElseThrow().status().message()
                .equals(dev.berth.manager.dispatcher.LivenessRules.SESSION_OPEN));
        session.close();
    }

    @Test
    void aHelloForAnotherNodeIsRefused(@TempDir Path dir) throws Exception {
        JoinedNode joined = join("worker-2");
        JoinedNode other = join("worker-3");
        SessionTls tls = JoinState.write(dir, joined).tls();

        List<String> received = rawSession(Options.withCertificate(tls), other.nodeId());
        assertThat(received).hasSize(1);
        assertThat(received.get(0)).contains("\"type\":\"Error\"").contains("\"code\":403")
                .contains(joined.nodeId()).contains(other.nodeId());
    }

    @Test
    void aSessionWithoutAClientCertificateIsRefused(@TempDir Path dir) throws Exception {
        JoinedNode joined = join("worker-4");
        SessionTls tls = JoinState.write(dir, joined).tls();
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString())));
        try {
            assertThatThrownBy(() -> client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
                            .setPort(manager.clusterPort()).setURI("/api/v1/session").setSsl(true))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("401");
        } finally {
            client.close();
        }
    }

    @Test
    void aCertificateOfAnotherCaIsRefused(@TempDir Path dir) throws Exception {
        JoinedNode joined = join("worker-5");
        // same node id, signed by a CA of another cluster
        ClusterCa foreign = ClusterCa.create("other", Clock.systemUTC());
        KeyPair keys = NodeKeys.generate();
        X509Certificate forged = foreign.issueNode(joined.nodeId(), manager.clusterId(), NodeRole.WORKER,
                keys.getPublic(), Clock.systemUTC());
        SessionTls tls = JoinState.writeTls(dir, NodeKeys.privateKeyPem(keys), dev.berth.manager.pki.Pem.certificate(forged),
                joined.caPem());
        List<String> received = rawSessionOrFailure(Options.withCertificate(tls), joined.nodeId());
        assertThat(received).noneMatch(m -> m.contains("Welcome"));
    }

    @Test
    void aRemovedNodeCannotOpenASession(@TempDir Path dir) throws Exception {
        JoinedNode joined = join("worker-6");
        SessionTls tls = JoinState.write(dir, joined).tls();
        Node node = store.get(Kind.NODE, joined.nodeId()).orElseThrow();
        store.delete(Kind.NODE, joined.nodeId(), node.metadata().resourceVersion());

        List<String> received = rawSession(Options.withCertificate(tls), joined.nodeId());
        assertThat(received).hasSize(1);
        assertThat(received.get(0)).contains("\"code\":403")
                .contains("node " + joined.nodeId() + " was removed from the cluster: join it again");
        assertThat(store.get(Kind.NODE, joined.nodeId())).isEmpty();
    }

    @Test
    void removingANodeEndsItsOpenSession(@TempDir Path dir) throws Exception {
        JoinedNode joined = join("worker-7");
        JoinState state = JoinState.write(dir, joined);
        AgentSession session = session(dir, "", cluster, state.tls());
        try {
            await().atMost(WAIT).until(session::isConnected);
            Node node = store.get(Kind.NODE, joined.nodeId()).orElseThrow();

            store.delete(Kind.NODE, joined.nodeId(), node.metadata().resourceVersion());

            // ended at once, and refused on every reconnect: the node stays removed
            await().atMost(WAIT).until(() -> !session.isConnected());
            await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> !session.isConnected()
                    && store.get(Kind.NODE, joined.nodeId()).isEmpty());
        } finally {
            session.close();
        }
    }

    @Test
    void badTokensAreRefusedAndNothingIsWritten() throws Exception {
        String worker = manager.pki().tokens().worker();
        JoinToken good = JoinToken.parse(worker);
        String wrongSecret = new JoinToken(good.caFingerprint(), "0000000000000000000000000").toString();
        String otherCluster = new JoinToken(ClusterCa.create("other", Clock.systemUTC()).fingerprint(),
                good.secret()).toString();
        for (String token : List.of(wrongSecret, otherCluster, "BTHTKN-1-abc-def", "", worker + "x")) {
            JsonNode error = refused(401, token);
            assertThat(error.get("reason").asText()).isEqualTo("Unauthorized");
            assertThat(error.get("message").asText()).isEqualTo(JoinService.INVALID_TOKEN)
                    .contains("berth join-token worker");
        }
        JsonNode manager = refused(400, JoinIT.manager.pki().tokens().manager());
        assertThat(manager.get("message").asText()).contains("joining as a manager is not supported yet");
    }

    @Test
    void aRotatedTokenStopsWorkingAtOnce() throws Exception {
        String old = manager.pki().tokens().worker();
        String rotated = manager.pki().rotate(NodeRole.WORKER).worker();
        assertThat(rotated).isNotEqualTo(old);
        assertThat(manager.pki().tokens().worker()).isEqualTo(rotated);
        refused(401, old);
        // the client side reports the manager's refusal
        assertThatThrownBy(() -> new JoinClient(vertx).join(cluster, JoinToken.parse(old), node("late")))
                .isInstanceOf(JoinException.class).hasMessageContaining("invalid join token");
        assertThat(join("on-time").nodeId()).isNotBlank();
    }

    @Test
    void aManagerOfAnotherClusterIsNotTrusted() {
        String foreign = new JoinToken(ClusterCa.create("other", Clock.systemUTC()).fingerprint(),
                JoinToken.parse(manager.pki().tokens().worker()).secret()).toString();
        Map<String, String> before = TestSupport.stableSnapshot(env);
        assertThatThrownBy(() -> new JoinClient(vertx).join(cluster, JoinToken.parse(foreign), node("x")))
                .isInstanceOf(JoinException.class).hasMessageContaining("belongs to another cluster")
                .hasMessageContaining(manager.pki().ca().fingerprint());
        assertThat(TestSupport.snapshot(env)).isEqualTo(before);
    }

    @Test
    void joinTokensOnTheLocalApi() throws Exception {
        TestApi api = new TestApi(manager.apiPort());
        JsonNode tokens = api.get("/api/v1/join-tokens").json();
        assertThat(tokens.get("worker").asText()).isEqualTo(manager.pki().tokens().worker());
        assertThat(tokens.get("manager").asText()).startsWith("BTHTKN-1-" + manager.pki().ca().fingerprint() + "-");
        assertThat(tokens.get("managerAddresses").get(0).asText()).endsWith(":" + manager.clusterPort());
        JsonNode rotated = api.post("/api/v1/join-tokens/manager/rotate", "", TestApi.JSON).json();
        assertThat(rotated.get("manager").asText()).isNotEqualTo(tokens.get("manager").asText());
        assertThat(rotated.get("worker").asText()).isEqualTo(tokens.get("worker").asText());
        assertThat(api.post("/api/v1/join-tokens/boss/rotate", "", TestApi.JSON).status()).isEqualTo(400);
    }

    // -- helpers --------------------------------------------------------------------------------

    /** POSTs a join with {@code token}; checks the status and that etcd did not change. */
    private static JsonNode refused(int status, String token) throws Exception {
        Map<String, String> before = TestSupport.stableSnapshot(env);
        KeyPair keys = NodeKeys.generate();
        JoinRequest request = new JoinRequest(token, "intruder", "10.0.0.66", NodeKeys.publicKeyPem(keys), Map.of(),
                1, ByteSize.ZERO, "");
        Reply reply = request(HttpMethod.POST, "/api/v1/join", Codec.toJson(request));
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        JsonNode error = Codec.json().readTree(reply.body());
        assertThat(error.get("code").asInt()).isEqualTo(status);
        assertThat(error.get("field").asText()).isEqualTo("token");
        assertThat(TestSupport.snapshot(env)).as("etcd unchanged").isEqualTo(before);
        return error;
    }

    private record Reply(int status, String body) {
    }

    /** A request to the cluster port, trusting anything (these tests look at the answers). */
    private static Reply request(HttpMethod method, String path, String body) throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true)
                .setVerifyHost(false));
        try {
            return client.request(new RequestOptions().setHost("127.0.0.1").setPort(manager.clusterPort())
                            .setMethod(method).setURI(path))
                    .compose(req -> (body == null ? req.send() : req.send(Buffer.buffer(body)))
                            .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toString()))))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    private static AgentSession session(Path dir, String nodeId, String address, SessionTls tls) {
        AssignmentHandler ignore = assignments -> { };
        AgentSessionConfig config = AgentSessionConfig.of(List.of(address), dir,
                () -> new SessionMessage.Hello(nodeId, "joined-host", "10.0.0.9", "worker",
                        new ResourceList(1, ByteSize.ZERO), "", Map.of())).withTls(tls);
        AgentSession session = new AgentSession(vertx, config, ignore);
        env.register(session);
        session.start();
        return session;
    }

    /** TLS options of a raw WebSocket client. */
    private static final class Options {
        static WebSocketClientOptions withCertificate(SessionTls tls) {
            return new WebSocketClientOptions().setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certificate().toString())
                            .setKeyPath(tls.key().toString()))
                    .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()));
        }
    }

    /** Opens a session, says Hello as {@code nodeId}, returns what the manager sent until it closed. */
    private static List<String> rawSession(WebSocketClientOptions options, String nodeId) throws Exception {
        WebSocketClient client = vertx.createWebSocketClient(options);
        List<String> received = new CopyOnWriteArrayList<>();
        boolean[] closed = {false};
        try {
            io.vertx.core.http.WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
                            .setPort(manager.clusterPort()).setURI("/api/v1/session").setSsl(true))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            ws.textMessageHandler(received::add);
            ws.closeHandler(v -> closed[0] = true);
            ws.writeTextMessage(Codec.toJson(new SessionMessage.Hello(nodeId, "h", "10.0.0.9", "worker",
                    ResourceList.NONE, "", Map.of())));
            await().atMost(WAIT).until(() -> closed[0]);
            return List.copyOf(received);
        } finally {
            client.close();
        }
    }

    /** As {@link #rawSession}, but a refused TLS handshake or upgrade counts as no messages. */
    private static List<String> rawSessionOrFailure(WebSocketClientOptions options, String nodeId) {
        try {
            return rawSession(options, nodeId);
        } catch (Exception e) {
            return List.of();
        }
    }
}
