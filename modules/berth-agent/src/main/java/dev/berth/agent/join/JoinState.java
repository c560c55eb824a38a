package dev.berth.agent.join;

import dev.berth.agent.session.SessionTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A joined server's state in its state directory: {@code node-id}, {@code managers} (one
 * {@code host:port} per line) and {@code tls/node.key} (mode 0600), {@code tls/node.crt},
 * {@code tls/ca.crt}. {@code berth join} writes it; {@code berth agent} reads it to open its
 * mutual-TLS session again after a restart.
 *
 * @param nodeId the node id
 * @param managers the managers' cluster addresses
 * @param tls the node's certificate, key and CA files
 */
public record JoinState(String nodeId, List<String> managers, SessionTls tls) {

    /** The node id file (the same name a manager uses for its own id). */
    public static final String NODE_ID_FILE = "node-id";
    /** The managers file. */
    public static final String MANAGERS_FILE = "managers";

    public JoinState {
        managers = List.copyOf(managers);
    }

    /**
     * The id of the node whose state {@code dir} holds (a joined node, or a manager's own), if
     * any: a server that has one must leave before it joins again.
     */
    public static Optional<String> existingNodeId(Path dir) {
        Path idFile = dir.resolve(NODE_ID_FILE);
        try {
            if (Files.isRegularFile(idFile)) {
                String id = Files.readString(idFile, StandardCharsets.UTF_8).strip();
                return Optional.of(id.isEmpty() ? "(unknown)" : id);
            }
        } catch (IOException e) {
            return Optional.of("(unreadable " + idFile + ")");
        }
        SessionTls tls = SessionTls.inStateDir(dir);
        if (Files.exists(tls.certificate()) || Files.exists(tls.key())) {
            return Optional.of("(unknown: " + tls.certificate().getParent() + " holds a node certificate)");
        }
        return Optional.empty();
    }

    /** The state a completed join left in {@code dir}; empty when a file is missing. */
    public static Optional<JoinState> read(Path dir) {
        SessionTls tls = SessionTls.inStateDir(dir);
        Path idFile = dir.resolve(NODE_ID_FILE);
        Path managersFile = dir.resolve(MANAGERS_FILE);
        if (!Files.isRegularFile(idFile) || !Files.isRegularFile(managersFile) || !Files.isRegularFile(tls.certificate())
                || !Files.isRegularFile(tls.key()) || !Files.isRegularFile(tls.ca())) {
            return Optional.empty();
        }
        try {
            String id = Files.readString(idFile, StandardCharsets.UTF_8).strip();
            List<String> managers = new ArrayList<>();
            for (String line : Files.readAllLines(managersFile, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    managers.add(line.strip());
                }
            }
            if (id.isEmpty() || managers.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new JoinState(id, managers, tls));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the join state in " + dir, e);
        }
    }

    /**
     * Writes what a join gave into {@code dir}: the key first (created 0600, never readable by
     * others even for a moment), the node id last, so a join interrupted halfway leaves no
     * {@code node-id} that claims it succeeded.
     */
    public static JoinState write(Path dir, JoinedNode joined) {
        SessionTls tls = SessionTls.inStateDir(dir);
        try {
            Files.createDirectories(tls.key().getParent());
            writePrivate(tls.key(), joined.keyPem());
            writeAtomically(tls.certificate(), joined.certificatePem());
            writeAtomically(tls.ca(), joined.caPem());
            writeAtomically(dir.resolve(MANAGERS_FILE), String.join("\n", joined.managers()) + "\n");
            writeAtomically(dir.resolve(NODE_ID_FILE), joined.nodeId() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the join state in " + dir + ": " + e.getMessage(), e);
        }
        return new JoinState(joined.nodeId(), joined.managers(), tls);
    }

    /** Writes a node's key and certificate files (a manager's own node: no managers file). */
    public static SessionTls writeTls(Path dir, String keyPem, String certificatePem, String caPem) {
        SessionTls tls = SessionTls.inStateDir(dir);
        try {
            Files.createDirectories(tls.key().getParent());
            writePrivate(tls.key(), keyPem);
            writeAtomically(tls.certificate(), certificatePem);
            writeAtomically(tls.ca(), caPem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the node certificate in " + dir + ": " + e.getMessage(), e);
        }
        return tls;
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
