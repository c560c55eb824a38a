package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.api.Kind;
import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeState;
import dev.berth.api.ObjectMeta;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.manager.Manager;
import dev.berth.manager.ManagerConfig;
import dev.berth.store.ObjectStore;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code node ls/update/rm/ps/inspect} against a real manager on the test etcd (no controllers,
 * no Docker): fake worker nodes register through the API, as agents do.
 */
@ExtendWith(EtcdExtension.class)
class NodeCommandsIT {

    @TempDir
    Path dir;

    private static void register(int port, String id, String hostname) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/nodes/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"hostname\":\"" + hostname
                        + "\",\"address\":\"10.0.0.7\",\"cpus\":2,\"memory\":\"1Gi\",\"engineVersion\":\"20.10.24\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private static void markDown(ObjectStore store, String id) {
        Node n = store.get(Kind.NODE, id).orElseThrow();
        store.update(n.withStatus(n.status().withState(NodeState.DOWN, "heartbeat lost")));
    }

    @Test
    void nodeLifecycle(EtcdTestEnv env) throws Exception {
        Path state = dir.resolve("state");
        Manager manager = env.register(new Manager(ManagerConfig.defaults()
                .withStateDir(state)
                .withExternalEtcd(env.endpoints(), env.prefix())
                .withListen("127.0.0.1", 0)
                .withHostname("mgr-host")
                .withElectionTtl(Duration.ofSeconds(2)), Clock.systemUTC(), (store, clock) -> () -> { })).start();
        CliRunner cli = new CliRunner(Optional.of("http://127.0.0.1:" + manager.apiPort()), dir);
        ObjectStore store = env.newStore();
        register(manager.apiPort(), "walpha00000000000000000001", "alpha");
        register(manager.apiPort(), "wbeta000000000000000000002", "beta");
        register(manager.apiPort(), "wgamma00000000000000000003", "gamma");
        await().atMost(Duration.ofSeconds(15)).until(() -> cli.run("status").out().contains("Leader:    " + manager.nodeId()));

        // ls: docker's columns, the leader, this server's node (from --state-dir) marked *
        CliRunner.Run ls = cli.run("node", "ls", "--state-dir", state.toString());
        assertThat(ls.code()).as(ls.toString()).isZero();
        assertThat(ls.lines().get(0).split("\\s{2,}")).containsExactly("ID", "HOSTNAME", "STATUS", "AVAILABILITY",
                "MANAGER STATUS", "ENGINE VERSION");
        assertThat(ls.lines()).hasSize(5);
        assertThat(ls.lines().get(1).split("\\s{2,}")).containsExactly("walpha00000000000000000001", "alpha", "Ready",
                "Active", "20.10.24");
        assertThat(ls.out()).containsPattern(manager.nodeId() + " \\*\\s+mgr-host\\s+Ready\\s+Active\\s+Leader");
        assertThat(cli.run("node", "ls", "-q", "-f", "role=worker").lines()).containsExactly(
                "walpha00000000000000000001", "wbeta000000000000000000002", "wgamma00000000000000000003");

        // update: labels and availability, by hostname
        CliRunner.Run update = cli.run("node", "update", "--label-add", "zone=a", "--label-add", "ssd=yes",
                "--availability", "drain", "alpha");
        assertThat(update.code()).as(update.toString()).isZero();
        assertThat(update.out()).isEqualTo("alpha\n");
        Node alpha = store.get(Kind.NODE, "walpha00000000000000000001").orElseThrow();
        assertThat(alpha.metadata().labels()).containsExactly(Map.entry("ssd", "yes"), Map.entry("zone", "a"));
        assertThat(alpha.spec().availability()).isEqualTo(NodeAvailability.DRAIN);
        assertThat(cli.run("node", "ls", "-q", "-f", "label=zone=a").lines()).containsExactly("walpha00000000000000000001");
        assertThat(cli.run("node", "update", "--label-rm", "ssd", "walpha").code()).isZero();
        alpha = store.get(Kind.NODE, "walpha00000000000000000001").orElseThrow();
        assertThat(alpha.metadata().labels()).containsExactly(Map.entry("zone", "a"));
        long version = alpha.metadata().resourceVersion();

        CliRunner.Run missing = cli.run("node", "update", "--label-rm", "nope", "--availability", "active", "alpha");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("Error: key nope doesn't exist in node's labels");
        CliRunner.Run badKey = cli.run("node", "update", "--label-add", "bad key=x", "alpha");
        assertThat(badKey.code()).isEqualTo(1);
        assertThat(badKey.err()).contains("metadata.labels[\"bad key\"]").contains("invalid label key");
        assertThat(cli.run("node", "update", "--label-add", "=v", "alpha").code()).isEqualTo(2);
        assertThat(store.get(Kind.NODE, "walpha00000000000000000001").orElseThrow().metadata().resourceVersion())
                .as("nothing changed").isEqualTo(version);

        // inspect --pretty
        CliRunner.Run pretty = cli.run("node", "inspect", "--pretty", "alpha");
        assertThat(pretty.out()).contains("Labels:\n - zone=a\n").containsPattern("Availability:\\s+Drain")
                .containsPattern("Engine Version:\\s+20.10.24");

        // ps: a node's tasks, history included; filtered by desired state
        Instant now = Instant.now();
        store.create(task("tgammarun0001", "wgamma00000000000000000003", TaskState.RUNNING, now));
        store.create(task("tgammaold0001", "wgamma00000000000000000003", TaskState.SHUTDOWN, now.minusSeconds(60)));
        CliRunner.Run ps = cli.run("node", "ps", "gamma");
        assertThat(ps.code()).as(ps.toString()).isZero();
        assertThat(ps.lines()).hasSize(3);
        assertThat(ps.lines().get(1).split("\\s{2,}")).startsWith("tgammarun000", "web.1", "berth-examples/whoami:1",
                "gamma", "Running");
        assertThat(ps.lines().get(2)).contains("\\_ web.1");
        assertThat(cli.run("node", "ps", "-q", "--no-trunc", "-f", "desired-state=running", "gamma").lines())
                .containsExactly("tgammarun0001");
        assertThat(cli.run("node", "ps", "--state-dir", state.toString()).lines()).hasSize(1);

        // rm: refusals, then each node on its own
        CliRunner.Run ready = cli.run("node", "rm", "alpha");
        assertThat(ready.code()).isEqualTo(1);
        assertThat(ready.err()).contains("is not down and can't be removed; use --force");
        assertThat(cli.run("node", "rm", manager.nodeId()).err()).contains("is a manager");
        markDown(store, "wbeta000000000000000000002");
        markDown(store, "wgamma00000000000000000003");
        CliRunner.Run rm = cli.run("node", "rm", "beta", "gamma", "nosuch");
        assertThat(rm.code()).isEqualTo(1);
        assertThat(rm.out()).isEqualTo("beta\n");
        assertThat(rm.err()).contains("still has 1 task meant to run").contains("no node with id or hostname \"nosuch\"");
        assertThat(store.get(Kind.NODE, "wbeta000000000000000000002")).isEmpty();
        assertThat(store.get(Kind.NODE, "wgamma00000000000000000003")).isPresent();
        assertThat(store.get(Kind.NODE, "walpha00000000000000000001")).isPresent();
    }

    private static Task task(String id, String node, TaskState desired, Instant at) {
        ObjectMeta meta = new ObjectMeta(id, Map.of(Task.SERVICE_LABEL, "web"), Map.of(), id, 0, 1, Optional.of(at));
        TaskSpec spec = new TaskSpec("web", "uid", 1, node, desired,
                ServiceSpec.ofImage("berth-examples/whoami:1").taskTemplate());
        return Task.of(meta, spec, new TaskStatus(desired == TaskState.RUNNING ? TaskState.RUNNING : TaskState.SHUTDOWN,
                "", "", Optional.of(at), ""));
    }
}
