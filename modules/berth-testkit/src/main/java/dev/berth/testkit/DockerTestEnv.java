package dev.berth.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a test gets from {@link DockerExtension}: the engine's address, the {@code docker} CLI
 * pointed at it, and the busybox test image.
 */
public final class DockerTestEnv {

    /** The image the tests run: busybox (sh, sleep, httpd, hostname, nc…) from Debian's busybox-static. */
    public static final String BUSYBOX_IMAGE = "berth-test/busybox:1";

    private static final List<String> APPLETS = List.of("sh", "sleep", "httpd", "hostname", "cat", "echo", "nc",
            "ls", "true", "false", "env", "wget", "kill", "ps");

    private final String host;

    DockerTestEnv(String host) {
        this.host = host;
    }

    /** The engine's address, e.g. {@code unix:///var/run/docker.sock} (for docker-java or {@code DOCKER_HOST}). */
    public String host() {
        return host;
    }

    /**
     * Runs the {@code docker} CLI on this engine and returns its standard output, trimmed.
     *
     * @throws IllegalStateException when it exits non-zero (with its standard error)
     */
    public String docker(String... args) {
        return run(null, args);
    }

    private String run(Path stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", host));
        cmd.addAll(Arrays.asList(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (stdin != null) {
                pb.redirectInput(stdin.toFile());
            }
            Process p = pb.start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = new Thread(() -> copy(p.getErrorStream(), err), "docker-cli-stderr");
            errReader.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("docker " + String.join(" ", args) + " did not finish in 120s");
            }
            errReader.join();
            if (p.exitValue() != 0) {
                throw new IllegalStateException("docker " + String.join(" ", args) + " exited " + p.exitValue() + ": "
                        + err.toString(StandardCharsets.UTF_8).strip());
            }
            return out.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running docker", e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // the process ended
        }
    }

    /**
     * The busybox test image {@value #BUSYBOX_IMAGE} on this engine, imported from a rootfs of
     * Debian's {@code /bin/busybox} the first time (no registry needed).
     */
    public String busyboxImage() {
        synchronized (DockerTestEnv.class) {
            if (!docker("image", "ls", "-q", BUSYBOX_IMAGE).isEmpty()) {
                return BUSYBOX_IMAGE;
            }
            Path root = null;
            Path tar = null;
            try {
                root = Files.createTempDirectory("berth-busybox");
                Path bin = Files.createDirectories(root.resolve("bin"));
                Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
                for (String applet : APPLETS) {
                    Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
                }
                Files.createDirectories(root.resolve("tmp"));
                Files.createDirectories(root.resolve("etc"));
                tar = Files.createTempFile("berth-busybox", ".tar");
                Process p = new ProcessBuilder("tar", "-C", root.toString(), "-cf", tar.toString(), ".")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("tar failed: " + out);
                }
                run(tar, "import", "-c", "CMD [\"/bin/sh\"]", "-c", "ENV PATH=/bin", "-", BUSYBOX_IMAGE);
                return BUSYBOX_IMAGE;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot build " + BUSYBOX_IMAGE, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted building " + BUSYBOX_IMAGE, e);
            } finally {
                if (root != null) {
                    EtcdExtension.deleteRecursively(root);
                }
                if (tar != null) {
                    try {
                        Files.deleteIfExists(tar);
                    } catch (IOException e) {
                        // a temp file
                    }
                }
            }
        }
    }

    /** Force-removes every container that has the label {@code label} ({@code key} or {@code key=value}). */
    public void removeContainers(String label) {
        String ids = docker("ps", "-aq", "--filter", "label=" + label);
        if (!ids.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("rm", "-f", "-v"));
            args.addAll(Arrays.asList(ids.split("\\s+")));
            try {
                docker(args.toArray(String[]::new));
            } catch (IllegalStateException e) {
                // removed meanwhile by whoever owns it
            }
        }
    }

    /** The ids of the containers with label {@code label}, running or not. */
    public List<String> containers(String label) {
        String ids = docker("ps", "-aq", "--no-trunc", "--filter", "label=" + label);
        return ids.isEmpty() ? List.of() : List.of(ids.split("\\s+"));
    }
}
