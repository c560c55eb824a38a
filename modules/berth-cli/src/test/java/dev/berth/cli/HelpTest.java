package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HelpTest {

    @TempDir
    Path home;

    /** Every command path: ["service", "create"], ... */
    static List<List<String>> commandPaths(CommandLine cmd, List<String> prefix) {
        List<List<String>> out = new ArrayList<>();
        for (var e : cmd.getSubcommands().entrySet()) {
            if (e.getValue().getCommandSpec().aliases().length > 0
                    && List.of(e.getValue().getCommandSpec().aliases()).contains(e.getKey())) {
                continue;
            }
            List<String> path = new ArrayList<>(prefix);
            path.add(e.getKey());
            out.add(path);
            out.addAll(commandPaths(e.getValue(), path));
        }
        return out;
    }

    @Test
    void everyCommandHasHelpAndADescription() {
        CommandLine root = Berth.commandLine(CliEnvironment.ofHome(home));
        List<List<String>> paths = commandPaths(root, List.of());
        assertThat(paths).extracting(p -> String.join(" ", p)).contains("init", "status", "stop", "apply", "get",
                "describe", "delete", "service create", "service ls", "service ps", "service inspect",
                "service scale", "service rm", "service update", "service rollback", "rollout status", "rollout history",
                "rollout undo", "rollout restart", "rollout pause", "rollout resume", "node ls", "node inspect", "node update", "node ps", "node rm", "leave",
                "completion");
        CliRunner cli = new CliRunner(Optional.empty(), home);
        for (List<String> path : paths) {
            if (path.get(0).equals("help")) {
                continue;
            }
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliRunner.Run run = cli.run(args.toArray(String[]::new));
            assertThat(run.code()).as(String.join(" ", path)).isZero();
            assertThat(run.out()).as(String.join(" ", path)).startsWith("Usage: berth " + String.join(" ", path));
            CommandLine sub = root;
            for (String p : path) {
                sub = sub.getSubcommands().get(p);
            }
            assertThat(sub.getCommandSpec().usageMessage().description()).as(String.join(" ", path)).isNotEmpty();
        }
    }

    @Test
    void unreachableManagerIsOneCleanLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRunner.Run run = new CliRunner(Optional.of("http://127.0.0.1:" + port), home).run("service", "ls");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("Error: cannot reach the Berth manager at http://127.0.0.1:" + port
                + ": is it running? (berth init)\n");
    }

    @Test
    void usageErrorsExitWithTwo() {
        CliRunner cli = new CliRunner(Optional.of("http://127.0.0.1:1"), home);
        CliRunner.Run run = cli.run("get", "pods");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("unknown kind \"pods\"").contains("services, tasks, nodes, clusters");
        assertThat(cli.run("get", "svc", "-o", "table-ish").code()).isEqualTo(2);
        assertThat(cli.run("service", "scale", "web").err()).contains("SERVICE=REPLICAS");
    }

    @Test
    void completionPrintsPicocliBashScript() {
        CliRunner.Run run = new CliRunner(Optional.empty(), home).run("completion", "bash");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("complete -F _complete_berth").contains("service").contains("--replicas")
                .contains("rollout").contains("--update-parallelism").contains("--to-revision");
        assertThat(new CliRunner(Optional.empty(), home).run("completion", "fish").code()).isEqualTo(2);
    }
}
