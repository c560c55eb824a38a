package dev.berth.manager.dispatcher;

import static dev.berth.testkit.EtcdExtension.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.agent.AssignmentHandler;
import dev.berth.agent.session.AgentSession;
import dev.berth.agent.session.AgentSessionConfig;
import dev.berth.api.ByteSize;
import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.NodeState;
import dev.berth.api.ResourceList;
import dev.berth.api.Service;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.session.SessionMessage;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import dev.berth.manager.Manager;
import dev.berth.manager.ManagerConfig;
import dev.berth.manager.api.ApiOperations;
import dev.berth.store.ObjectStore;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import dev.berth.api.codec.Codec;
import io.etcd.jetcd.ByteSequence;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real manager (on the test etcd) and real agent sessions over WebSockets: Hello, Welcome, the
 * full set and deltas, status reports into etcd, node liveness through session leases, and
 * reconnects. No Docker: the agents' handlers only record what they are told.
 */
@ExtendWith(EtcdExtension.class)
class SessionIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private EtcdTestEnv env;
    private ObjectStore store;
    private Vertx vertx;

    @BeforeEach
    void setUp(EtcdTestEnv env) {
        this.env = env;
        this.store = env.newStore();
        this.vertx = Vertx.vertx();
        env.register(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    }

    @Test
    void helloGetsWelcomeTheFullSetThenDeltas(@TempDir Path managerDir, @TempDir Path agentDir) throws Exception {
        Manager manager = startManager(managerDir, 0);
        createService("early", 2);
        awaitAssigned("early", 2, manager.nodeId());

        Recorder agent = new Recorder();
        AgentSession session = connect(manager, agentDir, manager.nodeId(), "manager", agent);

        await().atMost(WAIT).until(session::isConnected);
        assertThat(session.nodeId()).contains(manager.nodeId());
        assertThat(Files.readString(agentDir.resolve(AgentSessionConfig.NODE_ID_FILE)).trim())
                .isEqualTo(manager.nodeId());
        await().atMost(WAIT).until(() -> !agent.messages.isEmpty());
        SessionMessage.Assignments first = agent.messages.get(0);
        assertThat(first.full()).isTrue();
        assertThat(first.tasks()).extracting(t -> t.spec().serviceName()).containsOnly("early").hasSize(2);

        Node node = store.get(Kind.NODE, manager.nodeId()).orElseThrow();
        assertThat(node.status().state()).isEqualTo(NodeState.READY);
        assertThat(node.status().message()).isEqualTo(LivenessRules.SESSION_OPEN);
        assertThat(node.status().hostname()).isEqualTo("agent-host");
        assertThat(node.status().engineVersion()).isEqualTo("20.10.24");

        createService("web", 3);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(agent.current().values()).filteredOn(t -> t.spec().serviceName().equals("web")).hasSize(3));
        assertThat(agent.messages.subList(1, agent.messages.size())).allMatch(a -> !a.full());
        assertThat(agent.current().values()).allMatch(t -> t.spec().nodeId().equals(manager.nodeId()));

        // heartbeats keep the session's lease alive well past its TTL (3 s)
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> session.isConnected()
                && store.get(Kind.NODE, manager.nodeId()).orElseThrow().status().state() == NodeState.READY
                && sessionKeyExists(manager.nodeId()));
    }

    @Test
    void aLargeFullSetArrivesInOneMessage(@TempDir Path managerDir, @TempDir Path agentDir) {
        Manager manager = startManager(managerDir, 0);
        createService("many", 300);
        awaitAssigned("many", 300, manager.nodeId());
        Recorder agent = new Recorder();
        AgentSession session = connect(manager, agentDir, manager.nodeId(), "manager", agent);
        await().atMost(WAIT).until(() -> !agent.messages.isEmpty());
        // well above a WebSocket frame (64 KiB): sent in fragments, read back as one message
        assertThat(Codec.toJson(agent.messages.get(0)).length()).isGreaterThan(128 * 1024);
        assertThat(agent.messages.get(0).full()).isTrue();
        assertThat(agent.messages.get(0).tasks()).hasSize(300);
        assertThat(session.isConnected()).isTrue();
    }

    @Test
    void aSessionWithoutHeartbeatsIsEndedAndItsNodeGoesDown(@TempDir Path managerDir) throws Exception {
        Manager manager = startManager(managerDir, 0);
        List<String> received = new CopyOnWriteArrayList<>();
        var ws = vertx.createWebSocketClient().connect(manager.apiPort(), "127.0.0.1", Dispatcher.PATH)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.textMessageHandler(received::add);
        ws.writeTextMessage(Codec.toJson(new SessionMessage.Hello("silent-1", "silent", "127.0.0.1", "worker",
                null, "", Map.of())));
        await().atMost(WAIT).until(() -> sessionKeyExists("silent-1"));
        assertThat(store.get(Kind.NODE, "silent-1").orElseThrow().status().state()).isEqualTo(NodeState.READY);
        assertThat(received.get(0)).contains("\"type\":\"Welcome\"").contains("\"nodeId\":\"silent-1\"");
        // no heartbeat: after the TTL the dispatcher ends the session and revokes its lease
        await().atMost(WAIT).until(() -> received.stream().anyMatch(m -> m.contains("\"code\":408")));
        await().atMost(WAIT).until(() -> store.get(Kind.NODE, "silent-1").orElseThrow().status().state()
                == NodeState.DOWN);
        assertThat(sessionKeyExists("silent-1")).isFalse();
    }

    @Test
    void statusReportsAreWrittenForwardOnly(@TempDir Path managerDir, @TempDir Path agentDir) {
        Manager manager = startManager(managerDir, 0);
        Recorder agent = new Recorder();
        AgentSession session = connect(manager, agentDir, manager.nodeId(), "manager", agent);
        await().atMost(WAIT).until(session::isConnected);

        createService("web", 2);
        await().atMost(WAIT).until(() -> agent.current().size() == 2);
        for (Task t : agent.current().values()) {
            for (TaskState s : List.of(TaskState.ACCEPTED, TaskState.PREPARING, TaskState.STARTING,
                    TaskState.RUNNING)) {
                session.publish(update(t.id(), s, s.display().toLowerCase(), "c-" + t.id()));
            }
        }
        await().atMost(WAIT).untilAsserted(() -> {
            Service web = store.get(Kind.SERVICE, "web").orElseThrow();
            assertThat(web.status().running()).isEqualTo(web.spec().replicas()).isEqualTo(2);
        });
        for (Task t : agent.current().values()) {
            Task stored = store.get(Kind.TASK, t.id()).orElseThrow();
            assertThat(stored.status().state()).isEqualTo(TaskState.RUNNING);
            assertThat(stored.status().containerId()).isEqualTo("c-" + t.id());
            assertThat(stored.status().message()).isEqualTo("running");
        }

        // going back is ignored; a later update in the same order shows it was processed
        String id = agent.current().keySet().iterator().next();
        session.publish(update(id, TaskState.STARTING, "late", ""));
        session.publish(update(id, TaskState.RUNNING, "still running", ""));
        await().atMost(WAIT).until(() -> store.get(Kind.TASK, id).orElseThrow().status().message()
                .equals("still running"));
        assertThat(store.get(Kind.TASK, id).orElseThrow().status().state()).isEqualTo(TaskState.RUNNING);
        // a task the node does not run is not touched
        createService("other", 1);
        Task other = awaitAssigned("other", 1, manager.nodeId()).get(0);
        store.update(other.withSpec(other.spec().withNodeId("elsewhere")));
        session.publish(update(other.id(), TaskState.RUNNING, "not mine", ""));
        session.publish(update(id, TaskState.RUNNING, "barrier", ""));
        await().atMost(WAIT).until(() -> store.get(Kind.TASK, id).orElseThrow().status().message().equals("barrier"));
        // (the controllers orphan a task on a node that does not exist; the dispatcher wrote nothing)
        assertThat(store.get(Kind.TASK, other.id()).orElseThrow().status().message()).isNotEqualTo("not mine");
    }

    @Test
    void aClosedSessionTakesItsNodeDownAndItsTasksMove(@TempDir Path managerDir, @TempDir Path dirA,
            @TempDir Path dirB) {
        Manager manager = startManager(managerDir, 0);
        Recorder a = new Recorder();
        AgentSession sessionA = connect(manager, dirA, manager.nodeId(), "manager", a);
        await().atMost(WAIT).until(sessionA::isConnected);
        createService("web", 2);
        await().atMost(WAIT).until(() -> a.current().size() == 2);
        Set<String> onA = Set.copyOf(a.current().keySet());

        Recorder b = new Recorder();
        AgentSession sessionB = connect(manager, dirB, "", "worker", b);
        await().atMost(WAIT).until(sessionB::isConnected);
        String nodeB = sessionB.nodeId().orElseThrow();
        assertThat(nodeB).isNotEqualTo(manager.nodeId());
        assertThat(b.messages.get(0).full()).isTrue();
        assertThat(b.messages.get(0).tasks()).isEmpty();

        Instant closed = Instant.now();
        sessionA.close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Node n = store.get(Kind.NODE, manager.nodeId()).orElseThrow();
            assertThat(n.status().state()).isEqualTo(NodeState.DOWN);
            assertThat(n.status().message()).isEqualTo(LivenessRules.SESSION_LOST);
        });
        assertThat(Duration.between(closed, Instant.now())).isLessThan(Duration.ofSeconds(5));
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(b.current().values()).hasSize(2).allMatch(t -> t.spec().serviceName().equals("web"));
            assertThat(b.current().keySet()).doesNotContainAnyElementsOf(onA);
        });
        for (String id : onA) {
            assertThat(store.get(Kind.TASK, id).orElseThrow().spec().desiredState()).isEqualTo(TaskState.SHUTDOWN);
        }

        // the node comes back with a new session: ready again, and a full set (the old tasks, to stop)
        Recorder again = new Recorder();
        AgentSession sessionA2 = connect(manager, dirA, "", "manager", again);
        await().atMost(WAIT).until(sessionA2::isConnected);
        assertThat(sessionA2.nodeId()).contains(manager.nodeId());
        await().atMost(WAIT).until(() -> store.get(Kind.NODE, manager.nodeId()).orElseThrow().status().state()
                == NodeState.READY);
        await().atMost(WAIT).until(() -> !again.messages.isEmpty());
        SessionMessage.Assignments full = again.messages.get(0);
        assertThat(full.full()).isTrue();
        assertThat(full.tasks()).extracting(Task::id).containsExactlyInAnyOrderElementsOf(onA);
        assertThat(full.tasks()).allMatch(t -> t.spec().desiredState() == TaskState.SHUTDOWN);
    }

    @Test
    void afterAManagerRestartTheAgentReconnectsByItself(@TempDir Path managerDir, @TempDir Path agentDir)
            throws IOException {
        int port = freePort();
        Manager first = startManager(managerDir, port);
        Recorder agent = new Recorder();
        AgentSession session = connect(first, agentDir, first.nodeId(), "manager", agent);
        await().atMost(WAIT).until(session::isConnected);
        createService("web", 2);
        await().atMost(WAIT).until(() -> agent.current().size() == 2);
        Set<String> before = Set.copyOf(agent.current().keySet());

        first.close();
        await().atMost(WAIT).until(() -> !session.isConnected());
        int fullSets = agent.fullSets();
        Manager second = startManager(managerDir, port);
        assertThat(second.nodeId()).isEqualTo(first.nodeId());

        await().atMost(WAIT).until(session::isConnected);
        await().atMost(WAIT).until(() -> agent.fullSets() > fullSets);
        assertThat(agent.current().keySet()).isEqualTo(before);
        Node node = store.get(Kind.NODE, second.nodeId()).orElseThrow();
        assertThat(node.status().state()).isEqualTo(NodeState.READY);
        // the node was not taken for dead meanwhile: its tasks were kept
        for (String id : before) {
            assertThat(store.get(Kind.TASK, id).orElseThrow().spec().desiredState()).isEqualTo(TaskState.RUNNING);
        }
    }

    @Test
    void aFirstMessageOtherThanHelloIsRefused(@TempDir Path managerDir) throws Exception {
        Manager manager = startManager(managerDir, 0);
        List<String> received = new CopyOnWriteArrayList<>();
        var ws = vertx.createWebSocketClient().connect(manager.apiPort(), "127.0.0.1", Dispatcher.PATH)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        boolean[] closed = new boolean[1];
        ws.textMessageHandler(received::add);
        ws.closeHandler(v -> closed[0] = true);
        ws.writeTextMessage("{\"type\":\"Heartbeat\"}");
        await().atMost(WAIT).until(() -> closed[0]);
        assertThat(received).hasSize(1);
        assertThat(received.get(0)).contains("\"type\":\"Error\"").contains("\"code\":400").contains("Hello");
    }

    @Test
    void aSessionGetsItsNetworkMapAfterTheFullSetAndANewOneWhenTheNetworkChanges(@TempDir Path managerDir)
            throws Exception {
        Manager manager = startManager(managerDir, 0);
        List<SessionMessage> received = new CopyOnWriteArrayList<>();
        var ws = vertx.createWebSocketClient().connect(manager.apiPort(), "127.0.0.1", Dispatcher.PATH)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.textMessageHandler(text -> {
            try {
                received.add(Codec.json().readValue(text, SessionMessage.class));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        ws.writeTextMessage(Codec.toJson(new SessionMessage.Hello("net-1", "net-host", "192.0.2.1", "worker",
                null, "", Map.of())));
        long beat = vertx.setPeriodic(300, id -> ws.writeTextMessage(Codec.toJson(new SessionMessage.Heartbeat())));
        env.register(() -> vertx.cancelTimer(beat));

        await().atMost(WAIT).until(() -> received.stream().anyMatch(m -> m instanceof SessionMessage.NetworkMap));
        List<String> types = received.stream().map(m -> m.getClass().getSimpleName()).toList();
        assertThat(types.subList(0, 3)).containsExactly("Welcome", "Assignments", "NetworkMap");
        assertThat(((SessionMessage.Assignments) received.get(1)).full()).isTrue();

        // another node with a subnet and an address becomes a peer
        store.create(Node.of(dev.berth.api.ObjectMeta.named("peer-1"),
                new dev.berth.api.NodeSpec(dev.berth.api.NodeRole.WORKER, null, "10.42.77.0/24"),
                new dev.berth.api.NodeStatus(null, null, "peer-host", "192.0.2.2", null, null, null)));
        await().atMost(WAIT).until(() -> maps(received).stream().anyMatch(m -> m.peers().contains(
                new SessionMessage.NetworkPeer("peer-1", "192.0.2.2", "10.42.77.0/24"))));

        // a service's Endpoints written to etcd reaches the agent in a new map
        createService("mapped", 0);
        try {
            store.create(dev.berth.api.Endpoints.of(dev.berth.api.ObjectMeta.named("mapped"), "10.43.0.99",
                    dev.berth.api.EndpointMode.VIP, List.of(), List.of()));
        } catch (dev.berth.store.StoreException.AlreadyExists e) {
            // the network controller was quicker: its object serves as well
        }
        await().atMost(WAIT).until(() -> maps(received).stream().anyMatch(m -> m.services().stream()
                .anyMatch(e -> e.metadata().name().equals("mapped"))));

        // changes that leave the map alone send nothing: no two maps in a row are equal
        Node peer = store.get(Kind.NODE, "peer-1").orElseThrow();
        store.update(peer.withMetadata(peer.metadata().withLabels(Map.of("zone", "a"))));
        Thread.sleep(4 * Dispatcher.NETWORK_MAP_DELAY);
        List<SessionMessage.NetworkMap> maps = maps(received);
        for (int i = 1; i < maps.size(); i++) {
            assertThat(maps.get(i)).isNotEqualTo(maps.get(i - 1));
        }
        ws.close();
    }

    private static List<SessionMessage.NetworkMap> maps(List<SessionMessage> received) {
        return received.stream().filter(m -> m instanceof SessionMessage.NetworkMap)
                .map(m -> (SessionMessage.NetworkMap) m).toList();
    }

    // -- helpers --------------------------------------------------------------------------------

    private Manager startManager(Path stateDir, int port) {
        ManagerConfig config = ManagerConfig.defaults()
                .withStateDir(stateDir)
                .withExternalEtcd(env.endpoints(), env.prefix())
                .withListen("127.0.0.1", port)
                .withClusterListen("127.0.0.1", 0)
                .withHostname("manager-host")
                .withElectionTtl(Duration.ofSeconds(2));
        Manager manager = env.register(new Manager(config)).start();
        await().atMost(WAIT).until(manager::isLeader);
        return manager;
    }

    private AgentSession connect(Manager manager, Path stateDir, String nodeId, String role,
            AssignmentHandler handler) {
        SessionMessage.Hello hello = new SessionMessage.Hello(nodeId, "agent-host", "127.0.0.1", role,
                new ResourceList(4, ByteSize.parse("4Gi")), "20.10.24", Map.of());
        AgentSessionConfig config = AgentSessionConfig.of(List.of("127.0.0.1:" + manager.apiPort()), stateDir,
                () -> hello).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        AgentSession session = env.register(new AgentSession(vertx, config, handler));
        session.start();
        return session;
    }

    private void createService(String name, int replicas) {
        new ApiOperations(store, Clock.systemUTC()).create(Kind.SERVICE, """
                apiVersion: berth.dev/v1
                kind: Service
                metadata: {name: %s}
                spec: {image: "berth-examples/whoami:1", replicas: %d}
                """.formatted(name, replicas), "application/yaml");
    }

    private List<Task> awaitAssigned(String service, int count, String nodeId) {
        await().atMost(WAIT).until(() -> tasksOf(service).stream()
                .filter(t -> t.status().state() == TaskState.ASSIGNED && t.spec().nodeId().equals(nodeId))
                .count() == count);
        return tasksOf(service);
    }

    private List<Task> tasksOf(String service) {
        return store.list(Kind.TASK).items().stream().filter(t -> t.spec().serviceName().equals(service))
                .collect(Collectors.toList());
    }

    private boolean sessionKeyExists(String nodeId) throws Exception {
        return env.client().getKVClient().get(ByteSequence.from(Dispatcher.sessionKey(env.prefix(), nodeId),
                StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS).getCount() == 1;
    }

    private static TaskStatusUpdate update(String taskId, TaskState state, String message, String containerId) {
        return new TaskStatusUpdate(taskId, state, message, "", containerId, -1, Instant.now());
    }

    /** An assignment handler that records every message and keeps the node's current set. */
    private static final class Recorder implements AssignmentHandler {

        final List<SessionMessage.Assignments> messages = new CopyOnWriteArrayList<>();
        private final Map<String, Task> current = new TreeMap<>();

        @Override
        public synchronized void onAssignments(SessionMessage.Assignments assignments) {
            messages.add(assignments);
            if (assignments.full()) {
                current.clear();
            }
            assignments.tasks().forEach(t -> current.put(t.id(), t));
            assignments.removed().forEach(current::remove);
        }

        synchronized Map<String, Task> current() {
            return Map.copyOf(current);
        }

        int fullSets() {
            return (int) messages.stream().filter(SessionMessage.Assignments::full).count();
        }
    }
}
