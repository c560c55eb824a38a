package dev.berth.cli.commands;

import dev.berth.cli.BerthCommand;
import dev.berth.agent.network.IptablesPortPublisher;
import dev.berth.cli.CliException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth stop}: sends SIGTERM to the manager started by {@code berth init} and waits until it is gone. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop the manager (and its agent) started by berth init on this server (SIGTERM, then wait),"
                + " and remove its published-port rules.")
public final class StopCommand extends BerthCommand {

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "The manager's state directory (default: the one berth init used).")
    private Path stateDir;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long to wait (default: ${DEFAULT-VALUE}).")
    private long timeoutSeconds = 60;

    @Override
    protected int run() {
        Path dir = ManagerFiles.stateDir(Optional.ofNullable(stateDir), env());
        long pid = ManagerFiles.readPid(dir).orElseThrow(() -> new CliException("no " + ManagerFiles.PID_FILE
                + " in " + dir + ": no manager was started here (berth init)"));
        Optional<ProcessHandle> process = ManagerFiles.liveManager(pid);
        if (process.isEmpty()) {
            ManagerFiles.deletePid(dir, pid);
            out().println("The manager was not running (removed the stale pid file for pid " + pid + ").");
            return 0;
        }
        // destroy() is SIGTERM on Unix: the manager's shutdown hook closes it cleanly
        process.get().destroy();
        try {
            process.get().onExit().get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new CliException("the manager (pid " + pid + ") did not stop within "
                    + Duration.ofSeconds(timeoutSeconds).toSeconds() + "s; kill -9 " + pid + " forces it");
        } catch (ExecutionException e) {
            throw new CliException("waiting for the manager failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for the manager (pid " + pid + ")");
        }
        ManagerFiles.deletePid(dir, pid);
        out().println("Manager stopped (pid " + pid + ").");
        removePublishedPorts();
        return 0;
    }

    /**
     * Takes the node's published ports down with the agent. A stopped agent leaves its rules in
     * place (its containers keep running and the next agent adopts them), so {@code berth stop},
     * which means "Berth off on this server", removes them here.
     */
    private void removePublishedPorts() {
        try {
            new IptablesPortPublisher().removeAll();
        } catch (IOException | RuntimeException e) {
            err().println("Warning: could not remove Berth's published-port rules: " + e.getMessage());
        }
    }
}
