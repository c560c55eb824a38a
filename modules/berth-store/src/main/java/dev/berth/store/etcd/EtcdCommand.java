package dev.berth.store.etcd;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;

/**
 * The pure parts of launching etcd: finding the binary, building its command line and reading
 * the level of its log lines. Kept apart from {@link EtcdLauncher} so they are tested without a
 * process.
 */
public final class EtcdCommand {

    /** The message when no etcd binary can be found; the CLI shows it as it is. */
    public static final String NOT_FOUND = "etcd not found: install etcd-server or pass --etcd-binary";

    private static final Pattern ZAP_LEVEL = Pattern.compile("\"level\"\\s*:\\s*\"(\\w+)\"");

    private EtcdCommand() {
    }

    /**
     * The etcd executable: the configured one if it is an executable file, else the first
     * executable {@code etcd} in {@code pathEnv} (the PATH value).
     *
     * @throws IllegalStateException with {@link #NOT_FOUND} when there is none
     */
    public static Path resolveBinary(Optional<Path> configured, String pathEnv) {
        if (configured.isPresent()) {
            Path p = configured.get();
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
            throw new IllegalStateException(NOT_FOUND);
        }
        if (pathEnv != null) {
            for (String dir : pathEnv.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, "etcd");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException(NOT_FOUND);
    }

    /** The full command line of a single new member listening on loopback only. */
    public static List<String> commandLine(Path binary, EtcdLaunchConfig config) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.add("--name=" + config.name());
        cmd.add("--data-dir=" + config.dataDir());
        cmd.add("--listen-client-urls=" + config.clientUrl());
        cmd.add("--advertise-client-urls=" + config.clientUrl());
        cmd.add("--listen-peer-urls=" + config.peerUrl());
        cmd.add("--initial-advertise-peer-urls=" + config.peerUrl());
        cmd.add("--initial-cluster=" + config.name() + "=" + config.peerUrl());
        // Keeps the revision history bounded without an operator; informers relist when a
        // revision they watch from has been compacted.
        cmd.add("--auto-compaction-mode=periodic");
        cmd.add("--auto-compaction-retention=1h");
        // JSON lines, so that each line's level can be mapped onto Log4j2's.
        cmd.add("--logger=zap");
        cmd.add("--log-outputs=stderr");
        cmd.addAll(config.extraFlags());
        return List.copyOf(cmd);
    }

    /** The Log4j2 level for one line of etcd's (zap JSON) output; INFO when it names none. */
    public static Level levelOf(String line) {
        Matcher m = ZAP_LEVEL.matcher(line);
        if (!m.find()) {
            return Level.INFO;
        }
        switch (m.group(1).toLowerCase(Locale.ROOT)) {
            case "debug":
                return Level.DEBUG;
            case "warn":
                return Level.WARN;
            case "error":
            case "dpanic":
            case "panic":
            case "fatal":
                return Level.ERROR;
            default:
                return Level.INFO;
        }
    }
}
