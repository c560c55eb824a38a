package dev.berth.cli.commands;

import dev.berth.cli.CliException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What {@code init --detach} and {@code join --detach} do alike: run this same CLI again as a
 * daemon (its own session, C1-only JVM, log appended to a file) and wait until it is up, showing
 * the end of its log when it dies or does not come up in time.
 */
final class Background {

    private Background() {
    }

    /** How a wait names what it waits for in its errors. */
    record Waiting(String who, String exitedBefore, String timedOut) {
    }

    /**
     * {@code [setsid] java -Xshare:auto <daemon options> -cp <this class path> dev.berth.cli.Main},
     * then {@code args}.
     */
    static List<String> berthCommand(List<String> args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            // its own session: a closed terminal (SIGHUP) or Ctrl-C there does not stop the daemon
            cmd.add("/usr/bin/setsid");
        }
        cmd.addAll(List.of(java, "-Xshare:auto"));
        cmd.addAll(InitCommand.daemonJvmOptions(System.getenv("BERTH_DAEMON_JAVA_OPTS")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.berth.cli.Main"));
        cmd.addAll(args);
        return cmd;
    }

    /** Starts {@code command} with its output appended to {@code log}, no input, and {@code HOME=home}. */
    static Process start(List<String> command, Path log, Path home, String who) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("HOME", home.toString());
            return pb.start();
        } catch (IOException e) {
            throw new CliException("cannot start the " + who + " in the background: " + e.getMessage(), e);
        }
    }

    /**
     * Polls {@code ready} every {@code poll} until it holds.
     *
     * @param onExit run when the child died first, before the error is thrown
     * @throws CliException when the child dies first, or after {@code timeout} (the child is then
     *     destroyed), with the end of {@code log}
     */
    static void await(Process child, BooleanSupplier ready, Duration timeout, Duration poll, Path log,
            Waiting waiting, Runnable onExit) {
        Instant deadline = Instant.now().plus(timeout);
        while (!ready.getAsBoolean()) {
            if (!child.isAlive()) {
                onExit.run();
                throw new CliException("the " + waiting.who() + " exited (code " + child.exitValue() + ") "
                        + waiting.exitedBefore() + "; the end of " + log + ":\n" + ManagerFiles.tailOf(log, 20));
            }
            if (Instant.now().isAfter(deadline)) {
                child.destroy();
                throw new CliException(waiting.timedOut() + " within " + timeout.toSeconds() + "s; the end of "
                        + log + ":\n" + ManagerFiles.tailOf(log, 20));
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted while waiting for the " + waiting.who() + " (pid " + child.pid() + ")");
            }
        }
    }
}
