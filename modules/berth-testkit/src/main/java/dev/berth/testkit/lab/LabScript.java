package dev.berth.testkit.lab;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The process boundary of the lab: runs {@code deploy/lab.sh} with arguments and a timeout. The
 * script owns every detail of the lab (namespaces, engines, Berth); Java only calls it.
 */
final class LabScript {

    /** The script, relative to the repository root. */
    static final Path RELATIVE_PATH = Path.of("deploy", "lab.sh");

    private static final Logger LOG = LogManager.getLogger(LabScript.class);

    private final Path script;

    LabScript(Path script) {
        this.script = script;
    }

    /**
     * The script of the repository that contains {@code start}: the first directory upwards from
     * it that holds {@code deploy/lab.sh} (tests run in a module directory, people at the root).
     */
    static Optional<Path> find(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE_PATH);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The script found from the working directory. */
    static LabScript fromWorkingDirectory() {
        Path cwd = Path.of("").toAbsolutePath();
        return new LabScript(find(cwd).orElseThrow(() -> new LabException(
                "no " + RELATIVE_PATH + " in " + cwd + " or any directory above it: run the tests inside the Berth repository")));
    }

    Path path() {
        return script;
    }

    /**
     * Runs {@code lab.sh args...} and waits for it, giving each line it prints on stderr (its
     * progress) to {@code progress} as it comes.
     *
     * @throws LabException when it does not finish within {@code timeout} (it is killed then)
     */
    ExecResult run(Duration timeout, Consumer<String> progress, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(script.toString());
        cmd.addAll(args);
        LOG.debug("running {}", cmd);
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .directory(script.getParent().getParent().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script, e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder err = new StringBuilder();
        Thread outReader = new Thread(() -> copy(p.getInputStream(), out), "lab-stdout");
        Thread errReader = new Thread(() -> lines(p.getErrorStream(), line -> {
            synchronized (err) {
                err.append(line).append('\n');
            }
            progress.accept(line);
        }), "lab-stderr");
        outReader.start();
        errReader.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // the command's own children too: a hung `docker` would keep the pipes open
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new LabException("lab.sh " + String.join(" ", args) + " did not finish within "
                        + timeout.toSeconds() + "s (logs: /var/log/berth-lab)");
            }
            outReader.join(5_000);
            errReader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new LabException("interrupted while running lab.sh " + String.join(" ", args), e);
        }
        synchronized (err) {
            return new ExecResult(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString());
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            // the process ended or was killed
        }
    }

    private static void lines(InputStream in, Consumer<String> sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                sink.accept(line);
            }
        } catch (IOException e) {
            // the process ended or was killed
        }
    }
}
