package dev.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth leave} on state directories of each kind. No agent or manager runs and the engine
 * address leads nowhere, so leaving only forgets the files (and warns about the containers).
 */
class LeaveCommandTest {

    @TempDir
    Path home;

    @TempDir
    Path state;

    private CliRunner.Run leave(String... extra) {
        String[] args = new String[5 + extra.length];
        args[0] = "leave";
        args[1] = "--state-dir";
        args[2] = state.toString();
        args[3] = "--docker-host=unix://" + state.resolve("no-docker.sock");
        args[4] = "--keep-port-rules";
        System.arraycopy(extra, 0, args, 5, extra.length);
        return new CliRunner(Optional.empty(), home).run(args);
    }

    @Test
    void aWorkerForgetsItsClusterIdentity() throws Exception {
        Files.writeString(state.resolve("node-id"), "w1\n");
        Files.writeString(state.resolve("managers"), "10.0.0.1:4242\n");
        Files.createDirectories(state.resolve("tls"));
        Files.writeString(state.resolve("tls").resolve("node.key"), "key");
        Files.writeString(state.resolve("agent.log"), "kept");
        CliRunner.Run run = leave();
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).endsWith("Node left the cluster.\n");
        assertThat(run.err()).contains("Warning: could not remove the task containers");
        assertThat(state.resolve("node-id")).doesNotExist();
        assertThat(state.resolve("managers")).doesNotExist();
        assertThat(state.resolve("tls")).doesNotExist();
        assertThat(state.resolve("agent.log")).exists();
        assertThat(leave().err()).contains("this node is not part of a cluster");
    }

    @Test
    void aManagerLeavesOnlyWithForce() throws Exception {
        Files.writeString(state.resolve("node-id"), "m1\n");
        Files.createDirectories(state.resolve("etcd").resolve("member"));
        CliRunner.Run refused = leave();
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("this node is the cluster's manager: leaving stops the cluster; use --force");
        assertThat(state.resolve("node-id")).exists();
        CliRunner.Run forced = leave("--force");
        assertThat(forced.code()).as(forced.toString()).isZero();
        assertThat(forced.out()).contains("Node left the cluster");
        assertThat(state.resolve("etcd")).doesNotExist();
        assertThat(state.resolve("node-id")).doesNotExist();
    }
}
