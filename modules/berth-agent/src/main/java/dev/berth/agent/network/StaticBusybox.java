package dev.berth.agent.network;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds a statically linked busybox on the host (Debian's {@code busybox-static}): the shell that
 * waits for a plumbed container's network runs inside images that may have no C library of their
 * own, so a dynamically linked one (Debian's plain {@code busybox}) would not do.
 */
public final class StaticBusybox {

    /** Where Debian's packages put it. */
    static final List<Path> CANDIDATES = List.of(Path.of("/bin/busybox"), Path.of("/usr/bin/busybox"));

    private static final int PT_INTERP = 3;

    private StaticBusybox() {
    }

    /** The first candidate that is a static x86-64/arm64 ELF executable; empty when none is. */
    public static Optional<Path> find() {
        for (Path p : CANDIDATES) {
            if (Files.isRegularFile(p) && Files.isExecutable(p) && isStaticElf(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code file} is a 64-bit little-endian ELF without a program interpreter (the
     * {@code PT_INTERP} header a dynamically linked program names its loader in).
     */
    static boolean isStaticElf(Path file) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] header = new byte[64];
            f.readFully(header);
            ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            if (h.getInt(0) != 0x464c457f || header[4] != 2 || header[5] != 1) {
                return false; // not "\x7fELF", not 64-bit, or not little-endian
            }
            long phoff = h.getLong(32);
            int phentsize = Short.toUnsignedInt(h.getShort(54));
            int phnum = Short.toUnsignedInt(h.getShort(56));
            if (phentsize < 4 || phnum == 0 || phnum > 256) {
                return false;
            }
            byte[] type = new byte[4];
            for (int i = 0; i < phnum; i++) {
                f.seek(phoff + (long) i * phentsize);
                f.readFully(type);
                if (ByteBuffer.wrap(type).order(ByteOrder.LITTLE_ENDIAN).getInt() == PT_INTERP) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
