package dev.berth.store.etcd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to launch the embedded etcd member: binary, data directory, member name and loopback ports.
 *
 * @param binary the etcd executable; empty to look for {@code etcd} on the PATH
 * @param dataDir the member's data directory (created by etcd when missing)
 * @param name the member name
 * @param clientPort the loopback port clients connect to
 * @param peerPort the loopback port for Raft peers
 * @param extraFlags further command-line flags, appended last so that they win over the
 *     defaults (etcd keeps the last value of a repeated flag); e.g. a joining member passes
 *     {@code --initial-cluster=<all members>} and {@code --initial-cluster-state=existing}
 * @param startTimeout how long to wait for etcd to report healthy
 */
public record EtcdLaunchConfig(
        Optional<Path> binary,
        Path dataDir,
        String name,
        int clientPort,
        int peerPort,
        List<String> extraFlags,
        Duration startTimeout) {

    /** The default wait for a healthy member; etcd normally needs about a second. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    public EtcdLaunchConfig {
        binary = binary == null ? Optional.empty() : binary;
        Objects.requireNonNull(dataDir, "dataDir");
        name = name == null || name.isBlank() ? "default" : name;
        if (clientPort <= 0 || clientPort > 65535 || peerPort <= 0 || peerPort > 65535) {
            throw new IllegalArgumentException(
                    "etcd ports must be in 1..65535, got client " + clientPort + " and peer " + peerPort);
        }
        extraFlags = extraFlags == null ? List.of() : List.copyOf(extraFlags);
        startTimeout = startTimeout == null ? DEFAULT_START_TIMEOUT : startTimeout;
    }

    /** A configuration with etcd from the PATH, no extra flags and the default timeout. */
    public static EtcdLaunchConfig of(Path dataDir, String name, int clientPort, int peerPort) {
        return new EtcdLaunchConfig(Optional.empty(), dataDir, name, clientPort, peerPort, List.of(),
                DEFAULT_START_TIMEOUT);
    }

    public EtcdLaunchConfig withBinary(Path path) {
        return new EtcdLaunchConfig(Optional.of(path), dataDir, name, clientPort, peerPort, extraFlags,
                startTimeout);
    }

    public EtcdLaunchConfig withExtraFlags(List<String> flags) {
        return new EtcdLaunchConfig(binary, dataDir, name, clientPort, peerPort, flags, startTimeout);
    }

    public EtcdLaunchConfig withStartTimeout(Duration timeout) {
        return new EtcdLaunchConfig(binary, dataDir, name, clientPort, peerPort, extraFlags, timeout);
    }

    /** The client URL, {@code http://127.0.0.1:<clientPort>}. */
    public String clientUrl() {
        return "http://127.0.0.1:" + clientPort;
    }

    /** The peer URL, {@code http://127.0.0.1:<peerPort>}. */
    public String peerUrl() {
        return "http://127.0.0.1:" + peerPort;
    }
}
