package dev.berth.manager;

import dev.berth.api.validation.Validation;
import dev.berth.api.Ids;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node id a manager keeps in {@code <stateDir>/node-id}, so that a restarted manager is the
 * same node (same Node object, same etcd member name, same election candidate).
 */
final class NodeIdFile {

    static final String FILE_NAME = "node-id";

    private NodeIdFile() {
    }

    /** The id stored under {@code stateDir}, or a new one written there. */
    static String loadOrCreate(Path stateDir) {
        Path file = stateDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!Validation.isDnsLabel(id)) {
                    throw new IllegalStateException(file + " holds \"" + id + "\", which is not a node id;"
                            + " remove the file to get a new id");
                }
                return id;
            }
            Files.createDirectories(stateDir);
            String id = Ids.random();
            // write then move, so a crash never leaves a half-written id behind
            Path tmp = stateDir.resolve(FILE_NAME + ".tmp");
            Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the node id in " + file, e);
        }
    }
}
