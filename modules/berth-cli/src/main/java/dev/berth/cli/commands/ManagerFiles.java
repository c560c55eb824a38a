package dev.berth.cli.commands;

import dev.berth.cli.CliConfig;
import dev.berth.cli.CliEnvironment;
import dev.berth.cli.CliException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The files of a manager started by {@code berth init} in its state directory:
 * {@code manager.pid} and {@code manager.log}, shared by {@code init}, {@code status} and
 * {@code stop}.
 */
final class ManagerFiles {

    static final String PID_FILE = "manager.pid";
    static final String LOG_FILE = "manager.log";

    private ManagerFiles() {
    }

    /**
     * The state directory: the option if given, else the one {@code init} wrote in
     * {@code ~/.berth/config}, else {@code /var/lib/berth}.
     */
    static Path stateDir(Optional<Path> option, CliEnvironment env) {
        if (option.isPresent()) {
            return option.get().toAbsolutePath();
        }
        return CliConfig.read(CliConfig.file(env.home())).stateDir()
                .orElse(CliConfig.defaultStateDir()).toAbsolutePath();
    }

    static Path pidFile(Path stateDir) {
        return stateDir.resolve(PID_FILE);
    }

    static Path logFile(Path stateDir) {
        return stateDir.resolve(LOG_FILE);
    }

    /** The pid in the pid file, if the file exists and holds a number. */
    static Optional<Long> readPid(Path stateDir) {
        Path file = pidFile(stateDir);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(Files.readString(file).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static void writePid(Path stateDir, long pid) {
        try {
            Files.createDirectories(stateDir);
            Files.writeString(pidFile(stateDir), pid + "\n");
        } catch (IOException e) {
            throw new CliException("cannot write " + pidFile(stateDir) + ": " + e.getMessage(), e);
        }
    }

    static void deletePid(Path stateDir, long pid) {
        // Only our own pid: a newer manager may have written the file since.
        if (readPid(stateDir).filter(p -> p == pid).isPresent()) {
            try {
                Files.deleteIfExists(pidFile(stateDir));
            } catch (IOException e) {
                // nothing to do while shutting down; a stale pid file is detected by status/stop
            }
        }
    }

    /** The live Berth manager process with this pid (a reused pid of another program is not). */
    static Optional<ProcessHandle> liveManager(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> p.info().commandLine()
                .map(c -> c.contains("dev.berth.cli.Main") || c.contains("berth"))
                .orElse(true));
    }

    /** The last {@code lines} lines of the file {@code log}, for error messages. */
    static String tailOf(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            Deque<String> tail = new ArrayDeque<>();
            for (String l : all) {
                tail.addLast(l);
                if (tail.size() > lines) {
                    tail.removeFirst();
                }
            }
            return String.join("\n", tail);
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }
}
