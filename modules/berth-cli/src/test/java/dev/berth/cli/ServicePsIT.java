package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.HealthCheck;
import dev.berth.api.ObjectMeta;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskSpec;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.api.TaskTemplate;
import dev.berth.manager.Manager;
import dev.berth.manager.ManagerConfig;
import dev.berth.store.ObjectStore;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code service ps}, {@code get tasks} and {@code describe} on tasks of known shape: a manager
 * whose leader runs no controllers, and tasks written straight into the store as the controllers
 * would write them.
 */
@ExtendWith(EtcdExtension.class)
class ServicePsIT {

    @TempDir
    Path dir;

    @Test
    void psListsSlotsNewestFirstWithHistoryAndHostnames(EtcdTestEnv env) {
        Manager manager = env.register(new Manager(ManagerConfig.defaults()
                .withStateDir(dir.resolve("state"))
                .withExternalEtcd(env.endpoints(), env.prefix())
                .withListen("127.0.0.1", 0)
                .withClusterListen("127.0.0.1", 0)
                .withHostname("ps-host")
                .withElectionTtl(Duration.ofSeconds(2)), Clock.systemUTC(), (store, clock) -> () -> { })).start();
        CliRunner cli = new CliRunner(Optional.of("http://127.0.0.1:" + manager.apiPort()), dir);
        assertThat(cli.run("service", "create", "--name", "ps-svc", "--replicas", "2", "berth-examples/whoami:1").code())
                .isZero();

        ObjectStore store = env.newStore();
        Instant now = Instant.now();
        store.create(task("aaaaaaaaaaaaold1", 1, manager.nodeId(), TaskState.SHUTDOWN, now.minusSeconds(600)));
        store.create(task("bbbbbbbbbbbbnew1", 1, manager.nodeId(), TaskState.ASSIGNED, now.minusSeconds(5)));
        store.create(task("ccccccccccccnew2", 2, "", TaskState.PENDING, now.minusSeconds(5)));
        // a running task with a health check: service ps shows its health as docker ps does
        Task checked = task("ddddddddddddhlt3", 3, manager.nodeId(), TaskState.RUNNING, now.minusSeconds(5));
        TaskTemplate template = new ServiceSpec("berth-examples/whoami:1", null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, new HealthCheck(null, null,
                        Optional.of(new HealthCheck.TcpProbe(80)), null, null, null, null), false).taskTemplate();
        store.create(Task.of(checked.metadata(), new TaskSpec("ps-svc", "uid", 3, manager.nodeId(), TaskState.RUNNING,
                template), new TaskStatus(TaskState.RUNNING, "started", "", Optional.of(now.minusSeconds(5)), "c3",
                "", "starting")));

        CliRunner.Run ps = cli.run("service", "ps", "ps-svc");
        assertThat(ps.code()).as(ps.toString()).isZero();
        List<String[]> rows = ps.lines().stream().map(l -> l.split("\\s{2,}")).toList();
        assertThat(rows.get(0)).containsExactly("ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE",
                "ERROR", "PORTS");
        assertThat(rows).hasSize(5);
        assertThat(rows.get(1)).startsWith("bbbbbbbbbbbb", "ps-svc.1", "berth-examples/whoami:1", "ps-host", "Running");
        assertThat(rows.get(1)[5]).matches("Assigned \\d+ seconds ago");
        assertThat(rows.get(2)).startsWith("aaaaaaaaaaaa", "\\_ ps-svc.1", "berth-examples/whoami:1", "ps-host");
        assertThat(rows.get(2)[5]).isEqualTo("Shutdown 10 minutes ago");
        assertThat(rows.get(3)[1]).isEqualTo("ps-svc.2");
        assertThat(rows.get(4)[1]).isEqualTo("ps-svc.3");
        assertThat(rows.get(4)[5]).matches("Running \\d+ seconds ago \\(health: starting\\)");
        assertThat(rows.get(1)[5]).doesNotContain("health");
        assertThat(cli.run("describe", "task", "ddddddddddddhlt3").out()).containsPattern("Health: +starting\n")
                .containsPattern("Health check: +tcp :80, interval 30s");
        assertThat(cli.run("get", "task", "ddddddddddddhlt3", "-o", "yaml").out()).contains("health: starting")
                .contains("tcp:");

        CliRunner.Run tasks = cli.run("get", "tasks", "-l", "berth.service=ps-svc");
        assertThat(tasks.lines().get(0).split("\\s{2,}"))
                .containsExactly("NAME", "ID", "NODE", "DESIRED", "CURRENT", "ERROR");
        assertThat(tasks.lines()).hasSize(5);
        assertThat(tasks.out()).contains("ps-host");
        assertThat(cli.run("describe", "service", "ps-svc").out()).contains("Tasks:").contains("\\_ ps-svc.1");
        assertThat(cli.run("describe", "node", "ps-host").out()).contains("ps-svc.1").contains("Role:");
    }

    private static Task task(String id, int slot, String node, TaskState state, Instant at) {
        ObjectMeta meta = new ObjectMeta(id, Map.of(Task.SERVICE_LABEL, "ps-svc"), Map.of(), id, 0, 1, Optional.of(at));
        TaskSpec spec = new TaskSpec("ps-svc", "uid", slot, node, TaskState.RUNNING,
                ServiceSpec.ofImage("berth-examples/whoami:1").taskTemplate());
        return Task.of(meta, spec, new TaskStatus(state, "", "", Optional.of(at), ""));
    }
}
