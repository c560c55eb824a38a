package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.testkit.EtcdExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/berth} as a person runs it: a real subprocess of the packaged jar (this runs in the
 * integration-test phase, after packaging). The lifecycle test starts a detached manager with its
 * own embedded etcd, and stops it.
 */
class BinBerthIT {

    @TempDir
    Path home;

    /** What a subprocess printed. */
    record Result(int code, String out, String err) {
    }

    static Path script() {
        Path repo = Path.of(System.getProperty("berth.repo", "../.."));
        return repo.resolve("bin/berth").toAbsolutePath().normalize();
    }

    Result berth(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(script().toString());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("BERTH_HOST");
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/berth " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void helpRunsFromTheRepository() throws Exception {
        Result r = berth("--help");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Usage: berth").contains("service").contains("apply");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void unreachableManagerIsACleanErrorWithoutLogs() throws Exception {
        Result r = berth("--host", "http://127.0.0.1:" + EtcdExtension.freePort(), "get", "services");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: cannot reach the Berth manager at").endsWith("(berth init)\n");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void initDetachStatusNodeLsStop() throws Exception {
        int api = EtcdExtension.freePort();
        int cluster = EtcdExtension.freePort();
        Path state = home.resolve("state");
        Path worker = home.resolve("worker");
        try {
            Result init = berth("init", "--detach", "--state-dir", state.toString(), "--listen-addr",
                    "127.0.0.1:" + api, "--etcd-client-port", String.valueOf(EtcdExtension.freePort()),
                    "--etcd-peer-port", String.valueOf(EtcdExtension.freePort()),
                    "--cluster-listen-addr", "127.0.0.1:" + cluster, "--hostname", "bin-manager");
            assertThat(init.code()).as(init.out() + init.err()).isZero();
            assertThat(init.out()).containsPattern("Cluster initialized: node \\S+ is now a manager\\.");
            assertThat(init.out()).contains("To add a worker to this cluster, run on it:")
                    .containsPattern("    berth join --token BTHTKN-1-[0-9a-f]{64}-[0-9a-z]{25} 127\\.0\\.0\\.1:"
                            + cluster + "\n");
            assertThat(Files.readString(home.resolve(".berth/config"))).contains("server: http://127.0.0.1:" + api);
            assertThat(state.resolve("manager.pid")).exists();
            assertThat(state.resolve("manager.log")).exists();

            Result status = berth("status");
            assertThat(status.code()).as(status.out() + status.err()).isZero();
            assertThat(status.out()).contains("running (pid").contains("(healthy)").contains("Nodes:     1");

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(berth("node", "ls").out()).contains(" *").contains("Leader"));

            // a second server (here: another state directory) joins over the cluster port, mutual TLS
            String token = berth("join-token", "-q", "worker").out().strip();
            Result join = berth("join", "--token", token, "--state-dir", worker.toString(), "--hostname",
                    "bin-worker", "--advertise-addr", "127.0.0.1", "--docker-host", "unix:///nonexistent.sock",
                    "--no-cluster-network", "--detach", "127.0.0.1:" + cluster);
            assertThat(join.code()).as(join.out() + join.err()).isZero();
            assertThat(join.out()).contains("This node joined a cluster as a worker");
            assertThat(worker.resolve("tls/node.key")).exists();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(berth("node", "ls").out()).contains("bin-worker").contains("bin-manager"));

            Result again = berth("init", "--detach", "--state-dir", state.toString(), "--listen-addr",
                    "127.0.0.1:" + api);
            assertThat(again.code()).isEqualTo(1);
            assertThat(again.err()).contains("already running");

            Result stop = berth("stop");
            assertThat(stop.code()).as(stop.out() + stop.err()).isZero();
            assertThat(stop.out()).startsWith("Manager stopped (pid");
            assertThat(state.resolve("manager.pid")).doesNotExist();
            Result down = berth("status");
            assertThat(down.code()).isEqualTo(1);
            assertThat(down.err()).contains("cannot reach the Berth manager");
        } finally {
            Path agentPid = worker.resolve("agent.pid");
            if (Files.exists(agentPid)) {
                ProcessHandle.of(Long.parseLong(Files.readString(agentPid).strip())).ifPresent(ProcessHandle::destroy);
            }
            // never leave a manager (and its etcd) behind when an assertion failed midway
            Path pid = state.resolve("manager.pid");
            if (Files.exists(pid)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroy);
            }
        }
    }
}
