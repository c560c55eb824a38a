package dev.berth.agent.network;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/** A {@link CommandRunner} that starts a real process with {@link ProcessBuilder}. */
public final class ProcessCommandRunner implements CommandRunner {

    private final Duration timeout;

    /** Kills a command that runs longer than {@code timeout} (iptables waits on its lock). */
    public ProcessCommandRunner(Duration timeout) {
        this.timeout = timeout;
    }

    public ProcessCommandRunner() {
        this(Duration.ofSeconds(30));
    }

    @Override
    public Result run(List<String> argv, String stdin) throws IOException {
        Process process = new ProcessBuilder(argv).start();
        // Read both streams on their own threads while the process runs, so a full pipe cannot
        // stall it (the common pool may have a single thread on a small machine).
        FutureTask<String> out = drainer(process.getInputStream(), argv.get(0) + "-stdout");
        FutureTask<String> err = drainer(process.getErrorStream(), argv.get(0) + "-stderr");
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The process stopped reading (e.g. iptables-restore failed on an early line): its
            // exit status and stderr below say why.
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(argv.get(0) + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new Result(process.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + argv.get(0), e);
        } catch (ExecutionException e) {
            throw new IOException("could not read the output of " + argv.get(0), e.getCause());
        }
    }

    private static FutureTask<String> drainer(InputStream stream, String name) {
        FutureTask<String> task = new FutureTask<>(() -> drain(stream));
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return task;
    }

    private static String drain(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
