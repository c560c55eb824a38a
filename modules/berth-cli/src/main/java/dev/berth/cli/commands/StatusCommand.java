package dev.berth.cli.commands;

import dev.berth.api.Kind;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.client.ApiClient;
import dev.berth.cli.client.ApiInfo;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth status}: whether the manager is up, where, who leads, and how many objects it holds. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show whether the manager is running: pid, API address, leader and object counts.")
public final class StatusCommand extends BerthCommand {

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "The manager's state directory (default: the one berth init used).")
    private Path stateDir;

    @Override
    protected int run() {
        Path dir = ManagerFiles.stateDir(Optional.ofNullable(stateDir), env());
        Optional<Long> pid = ManagerFiles.readPid(dir);
        String process;
        if (pid.isEmpty()) {
            process = "not started here (no " + ManagerFiles.PID_FILE + " in " + dir + ")";
        } else if (ManagerFiles.liveManager(pid.get()).isPresent()) {
            process = "running (pid " + pid.get() + ", state " + dir + ")";
        } else {
            process = "not running (stale pid file " + ManagerFiles.pidFile(dir) + ": pid " + pid.get() + ")";
        }
        out().println("Manager:   " + process);
        ApiClient api = client();
        if (!api.healthy()) {
            out().println("API:       " + api.server() + " (not answering)");
            out().flush();
            err().println("Error: cannot reach the Berth manager at " + api.server() + ": is it running? (berth init)");
            return 1;
        }
        ApiInfo info = api.info();
        out().println("API:       " + api.server() + " (healthy)");
        out().println("Version:   " + info.version());
        out().println("Cluster:   " + info.clusterId());
        out().println("Node:      " + info.managerNodeId());
        out().println("Leader:    " + (info.leader().isEmpty() ? "<none>" : info.leader()));
        out().println("Services:  " + api.list(Kind.SERVICE, Optional.empty()).items().size());
        out().println("Tasks:     " + api.list(Kind.TASK, Optional.empty()).items().size());
        out().println("Nodes:     " + api.list(Kind.NODE, Optional.empty()).items().size());
        return 0;
    }
}
