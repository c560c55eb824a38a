package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.join.JoinToken;
import dev.berth.manager.Manager;
import dev.berth.manager.ManagerConfig;
import dev.berth.manager.pki.ClusterCa;
import dev.berth.testkit.EtcdExtension;
import dev.berth.testkit.EtcdTestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth join-token} against a real manager, and the ways {@code berth join} refuses before
 * it runs an agent (a bad token, a manager of another cluster, a server that already joined).
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JoinTokenIT {

    @TempDir
    Path dir;

    private Manager manager;
    private CliRunner cli;
    private String clusterAddress;

    @BeforeAll
    void startManager(EtcdTestEnv env) throws Exception {
        manager = new Manager(ManagerConfig.defaults()
                .withStateDir(Files.createTempDirectory("berth-join-token-it"))
                .withExternalEtcd(env.endpoints(), env.prefix())
                .withListen("127.0.0.1", 0)
                .withClusterListen("127.0.0.1", 0)
                .withHostname("cli-host")
                .withElectionTtl(Duration.ofSeconds(2))).start();
        cli = new CliRunner(Optional.of("http://127.0.0.1:" + manager.apiPort()), Files.createTempDirectory("home"));
        clusterAddress = "127.0.0.1:" + manager.clusterPort();
    }

    @AfterAll
    void stopManager() {
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void printsTheJoinCommand() {
        String token = manager.pki().tokens().worker();
        CliRunner.Run run = cli.run("join-token", "worker");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("To add a worker to this swarm, run the following command:\n\n"
                + "    berth join --token " + token + " " + clusterAddress + "\n\n");

        CliRunner.Run quiet = cli.run("join-token", "-q", "worker");
        assertThat(quiet.out()).isEqualTo(token + "\n");
        CliRunner.Run manager = cli.run("join-token", "manager");
        assertThat(manager.out()).contains("To add a manager to this swarm").contains("not supported yet");
    }

    @Test
    void rotateMakesANewTokenAndTheOldOneIsRefused() throws Exception {
        String old = cli.run("join-token", "-q", "worker").out().strip();
        CliRunner.Run run = cli.run("join-token", "--rotate", "worker");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("Successfully rotated worker join token.\n\n");
        String current = cli.run("join-token", "-q", "worker").out().strip();
        assertThat(current).isNotEqualTo(old).isEqualTo(manager.pki().tokens().worker());
        assertThat(run.out()).contains(current);

        Path state = Files.createDirectories(dir.resolve("rotated"));
        CliRunner.Run join = cli.run("join", "--token", old, "--state-dir", state.toString(), "--no-cluster-network",
                clusterAddress);
        assertThat(join.code()).as(join.toString()).isEqualTo(1);
        assertThat(join.err()).contains("invalid join token").contains("berth join-token worker");
        assertThat(state).isEmptyDirectory();
    }

    @Test
    void badRoleIsAUsageError() {
        assertThat(cli.run("join-token", "boss").code()).isEqualTo(2);
    }

    @Test
    void joinRefusesAMalformedToken() {
        Path state = dir.resolve("malformed");
        CliRunner.Run join = cli.run("join", "--token", "BTHTKN-1-nope", "--state-dir", state.toString(),
                clusterAddress);
        assertThat(join.code()).isEqualTo(1);
        assertThat(join.err()).contains("malformed join token");
        assertThat(state).doesNotExist();
    }

    @Test
    void joinRefusesAManagerOfAnotherCluster() throws Exception {
        JoinToken mine = JoinToken.parse(manager.pki().tokens().worker());
        String otherFingerprint = ClusterCa.create("other", Clock.systemUTC()).fingerprint();
        String foreign = new JoinToken(otherFingerprint, mine.secret()).toString();
        Path state = Files.createDirectories(dir.resolve("foreign"));
        CliRunner.Run join = cli.run("join", "--token", foreign, "--state-dir", state.toString(), clusterAddress);
        assertThat(join.code()).isEqualTo(1);
        assertThat(join.err()).contains("the manager at " + clusterAddress + " belongs to another cluster")
                .contains(mine.caFingerprint()).contains(otherFingerprint);
        assertThat(state).isEmptyDirectory();
    }

    @Test
    void joinRefusesAServerThatAlreadyJoined() throws Exception {
        Path state = Files.createDirectories(dir.resolve("joined"));
        Files.writeString(state.resolve("node-id"), "abc\n");
        CliRunner.Run join = cli.run("join", "--token", manager.pki().tokens().worker(), "--state-dir",
                state.toString(), clusterAddress);
        assertThat(join.code()).isEqualTo(1);
        assertThat(join.err()).contains("this server already belongs to a cluster as node abc (state in " + state
                + "); run `berth leave` first");
        assertThat(Files.readString(state.resolve("node-id"))).isEqualTo("abc\n");
    }
}
