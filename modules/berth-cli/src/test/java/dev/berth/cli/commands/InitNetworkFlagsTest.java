package dev.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.NetworkSpec;
import dev.berth.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InitNetworkFlagsTest {

    @TempDir
    Path home;

    private static InitCommand parse(String... args) {
        InitCommand init = new InitCommand();
        new CommandLine(init).parseArgs(args);
        return init;
    }

    @Test
    void theFlagsMakeTheClustersNetworkAndReachTheBackgroundManager() {
        InitCommand init = parse("--container-cidr", "172.30.0.0/16", "--service-cidr", "172.31.0.0/20",
                "--node-subnet-prefix", "26");
        assertThat(init.network()).isEqualTo(new NetworkSpec("172.30.0.0/16", 26, "172.31.0.0/20"));
        assertThat(init.childCommand(Path.of("/tmp/x"))).containsSequence("--container-cidr", "172.30.0.0/16")
                .containsSequence("--service-cidr", "172.31.0.0/20").containsSequence("--node-subnet-prefix", "26");
        assertThat(parse().network()).isEqualTo(NetworkSpec.DEFAULT);
        assertThat(parse().childCommand(Path.of("/tmp/x"))).doesNotContain("--container-cidr", "--service-cidr",
                "--node-subnet-prefix");
    }

    @Test
    void badNetworksNameTheFlag() {
        assertThat(InitCommand.networkProblem(NetworkSpec.DEFAULT)).isEmpty();
        assertThat(InitCommand.networkProblem(new NetworkSpec("10.42.0.0/16", 24, "10.42.128.0/17"))).hasValue(
                "--service-cidr: serviceCidr 10.42.128.0/17 overlaps containerCidr 10.42.0.0/16: the services'"
                        + " virtual IPs need a range of their own");
        assertThat(InitCommand.networkProblem(new NetworkSpec("10.42.0.0", 24, null)).orElseThrow())
                .startsWith("--container-cidr: \"10.42.0.0\" is not a CIDR");
        assertThat(InitCommand.networkProblem(new NetworkSpec("10.42.0.0/16", 12, null)).orElseThrow())
                .startsWith("--node-subnet-prefix: must be between 16");
    }

    @Test
    void initRefusesABadNetworkBeforeAnythingStarts() throws Exception {
        Path state = home.resolve("state");
        CliRunner.Run run = new CliRunner(Optional.empty(), home).run("init", "--state-dir", state.toString(),
                "--container-cidr", "10.42.0.0/16", "--service-cidr", "10.42.0.0/24", "--etcd-binary", "/nonexistent");
        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("--service-cidr: serviceCidr 10.42.0.0/24 overlaps containerCidr 10.42.0.0/16");
        assertThat(Files.exists(state)).as("nothing written").isFalse();
    }

    @Test
    void helpNamesTheFlags() {
        CliRunner.Run run = new CliRunner(Optional.empty(), home).run("init", "--help");
        assertThat(run.out()).contains("--container-cidr=CIDR").contains("--service-cidr=CIDR")
                .contains("--node-subnet-prefix=N").contains(NetworkSpec.DEFAULT_CONTAINER_CIDR)
                .contains(NetworkSpec.DEFAULT_SERVICE_CIDR);
    }
}
