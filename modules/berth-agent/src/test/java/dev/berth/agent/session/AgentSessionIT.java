package dev.berth.agent.session;

import static dev.berth.testkit.EtcdExtension.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.api.TaskState;
import dev.berth.api.codec.Codec;
import dev.berth.api.session.SessionMessage;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's session against a scripted manager (a WebSocket server in the test, the process
 * boundary): failover between addresses, the node id file, heartbeats, status batches and their
 * resend after a reconnect, and leaving a manager that stopped answering.
 */
class AgentSessionIT {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private Vertx vertx;
    private FakeManager manager;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        manager = new FakeManager(vertx);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void triesTheNextManagerAndKeepsTheNodeIdItIsGiven(@TempDir Path stateDir) throws Exception {
        List<SessionMessage.Assignments> received = new CopyOnWriteArrayList<>();
        AgentSession session = start(List.of("127.0.0.1:" + freePort(), "127.0.0.1:" + manager.port), stateDir,
                received::add);

        await().atMost(WAIT).until(session::isConnected);
        assertThat(session.nodeId()).contains("n-42");
        assertThat(manager.hellos.get(0).nodeId()).isEmpty();
        assertThat(manager.hellos.get(0).hostname()).isEqualTo("agent-host");
        await().atMost(WAIT).until(() -> Files.exists(stateDir.resolve(AgentSessionConfig.NODE_ID_FILE)));
        assertThat(Files.readString(stateDir.resolve(AgentSessionConfig.NODE_ID_FILE)).trim()).isEqualTo("n-42");
        await().atMost(WAIT).until(() -> received.size() == 1);
        assertThat(received.get(0).full()).isTrue();
        // heartbeats at the Welcome's period (100 ms)
        int seen = manager.heartbeats.get();
        await().atMost(WAIT).until(() -> manager.heartbeats.get() >= seen + 5);

        // a later run starts from the kept id
        session.close();
        AgentSession again = start(List.of("127.0.0.1:" + manager.port), stateDir, a -> { });
        await().atMost(WAIT).until(again::isConnected);
        assertThat(manager.hellos.get(manager.hellos.size() - 1).nodeId()).isEqualTo("n-42");
    }

    @Test
    void statusesGoInBatchesAndTheNewestAreSentAgainAfterAReconnect(@TempDir Path stateDir) {
        AgentSession session = start(List.of("127.0.0.1:" + manager.port), stateDir, a -> { });
        await().atMost(WAIT).until(session::isConnected);

        for (int i = 0; i < 250; i++) {
            session.publish(update("t" + (i % 50), TaskState.values()[3 + i / 50], "step " + i));
        }
        await().atMost(WAIT).until(() -> manager.updates().size() == 250);
        assertThat(manager.reports).allMatch(r -> r.updates().size() <= AgentSession.MAX_BATCH);
        assertThat(manager.reports.size()).isLessThan(20);
        assertThat(manager.updates()).extracting(TaskStatusUpdate::message)
                .startsWith("step 0", "step 1", "step 2").endsWith("step 249");

        manager.accepting.set(false);
        manager.dropConnections();
        await().atMost(WAIT).until(() -> !session.isConnected());
        session.publish(update("t0", TaskState.FAILED, "exited while away"));
        manager.reports.clear();
        manager.accepting.set(true);
        await().atMost(WAIT).until(session::isConnected);
        await().atMost(WAIT).until(() -> manager.updates().size() == 50);
        assertThat(manager.updates()).extracting(TaskStatusUpdate::taskId).doesNotHaveDuplicates();
        assertThat(manager.updates()).filteredOn(u -> u.taskId().equals("t0")).singleElement()
                .extracting(TaskStatusUpdate::message).isEqualTo("exited while away");
        assertThat(manager.updates()).filteredOn(u -> u.taskId().equals("t1")).singleElement()
                .extracting(TaskStatusUpdate::message).isEqualTo("step 201");
    }

    @Test
    void aManagerThatStopsAnsweringIsLeft(@TempDir Path stateDir) throws Exception {
        FrozenProxy proxy = new FrozenProxy(vertx, manager.port);
        AgentSession session = start(List.of("127.0.0.1:" + proxy.port), stateDir, a -> { },
                Duration.ofMillis(500));
        await().atMost(WAIT).until(session::isConnected);
        int connections = manager.connections.get();
        // the link goes silent one way (no reset, no close): pongs no longer arrive
        proxy.frozen.set(true);
        await().atMost(WAIT).until(() -> !session.isConnected());
        proxy.frozen.set(false);
        await().atMost(WAIT).until(() -> session.isConnected() && manager.connections.get() > connections);
    }

    // -- helpers --------------------------------------------------------------------------------

    @Test
    void handsEveryNetworkMapToTheListenerAndKeepsTheLast(@TempDir Path stateDir) {
        List<SessionMessage.NetworkMap> maps = new CopyOnWriteArrayList<>();
        SessionMessage.Hello hello = new SessionMessage.Hello("", "agent-host", "127.0.0.1", "worker", null, "20.10",
                Map.of());
        AgentSession session = new AgentSession(vertx, AgentSessionConfig.of(List.of("127.0.0.1:" + manager.port),
                stateDir, () -> hello).withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1)), a -> { }, maps::add);
        toClose.add(session);
        assertThat(session.networkMap()).isEmpty();
        session.start();

        await().atMost(WAIT).until(() -> maps.size() == 1);
        assertThat(maps.get(0)).isEqualTo(NETWORK_MAP);
        assertThat(session.networkMap()).contains(NETWORK_MAP);
    }

    private AgentSession start(List<String> managers, Path stateDir, dev.berth.agent.AssignmentHandler handler) {
        return start(managers, stateDir, handler, Duration.ofMillis(50));
    }

    private AgentSession start(List<String> managers, Path stateDir, dev.berth.agent.AssignmentHandler handler,
            Duration minBackoff) {
        SessionMessage.Hello hello = new SessionMessage.Hello("", "agent-host", "127.0.0.1", "worker", null, "20.10",
                Map.of());
        AgentSession session = new AgentSession(vertx, AgentSessionConfig.of(managers, stateDir, () -> hello)
                .withBackoff(minBackoff, Duration.ofSeconds(1)), handler);
        toClose.add(session);
        session.start();
        return session;
    }

    private static TaskStatusUpdate update(String task, TaskState state, String message) {
        return new TaskStatusUpdate(task, state, message, "", "", -1, Instant.now());
    }

    private static final SessionMessage.NetworkMap NETWORK_MAP = new SessionMessage.NetworkMap(null, "10.42.3.0/24",
            List.of(new SessionMessage.NetworkPeer("n-7", "192.0.2.7", "10.42.7.0/24")), List.of());

    /** A scripted manager: welcomes every Hello as node n-42, sends a network map, records what it hears. */
    private static final class FakeManager {

        final List<SessionMessage.Hello> hellos = new CopyOnWriteArrayList<>();
        final List<SessionMessage.StatusReport> reports = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger heartbeats = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        private final List<ServerWebSocket> open = new CopyOnWriteArrayList<>();
        final AtomicBoolean accepting = new AtomicBoolean(true);
        final int port;

        FakeManager(Vertx vertx) throws Exception {
            HttpServer server = vertx.createHttpServer().webSocketHandler(this::serve);
            port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                    .actualPort();
        }

        private void serve(ServerWebSocket ws) {
            if (!ws.path().equals(AgentSession.PATH) || !accepting.get()) {
                ws.close();
                return;
            }
            connections.incrementAndGet();
            open.add(ws);
            ws.closeHandler(v -> open.remove(ws));
            ws.textMessageHandler(text -> {
                SessionMessage m;
                try {
                    m = Codec.json().readValue(text, SessionMessage.class);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                if (m instanceof SessionMessage.Hello h) {
                    hellos.add(h);
                    ws.writeTextMessage(Codec.toJson(new SessionMessage.Welcome("n-42", 100)));
                    ws.writeTextMessage(Codec.toJson(new SessionMessage.Assignments(true, List.of(), List.of())));
                    ws.writeTextMessage(Codec.toJson(NETWORK_MAP));
                } else if (m instanceof SessionMessage.Heartbeat) {
                    heartbeats.incrementAndGet();
                } else if (m instanceof SessionMessage.StatusReport r) {
                    reports.add(r);
                }
            });
        }

        List<TaskStatusUpdate> updates() {
            List<TaskStatusUpdate> all = new ArrayList<>();
            reports.forEach(r -> all.addAll(r.updates()));
            return all;
        }

        void dropConnections() {
            open.forEach(ServerWebSocket::close);
        }
    }

    /** A TCP proxy that can stop passing the manager's bytes to the agent without closing anything. */
    private static final class FrozenProxy {

        final AtomicBoolean frozen = new AtomicBoolean();
        final int port;

        FrozenProxy(Vertx vertx, int target) throws Exception {
            var client = vertx.createNetClient();
            NetServer server = vertx.createNetServer().connectHandler(agent -> {
                agent.pause();
                client.connect(target, "127.0.0.1").onSuccess(upstream -> {
                    agent.handler(upstream::write);
                    upstream.handler(b -> {
                        if (!frozen.get()) {
                            agent.write(b);
                        }
                    });
                    agent.closeHandler(v -> upstream.close());
                    upstream.closeHandler(v -> agent.close());
                    agent.resume();
                }).onFailure(e -> agent.close());
            });
            port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                    .actualPort();
        }
    }
}
