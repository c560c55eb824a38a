package dev.berth.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;

/** Runs {@code berth} commands in-process with captured output, as the tests' user. */
public final class CliRunner {

    /**
     * What one command printed and returned.
     *
     * @param code the exit code
     * @param out standard output
     * @param err standard error
     */
    public record Run(int code, String out, String err) {

        /** Output lines. */
        public List<String> lines() {
            return out.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }

    private final Optional<String> host;
    private final Path home;

    public CliRunner(Optional<String> host, Path home) {
        this.host = host;
        this.home = home;
    }

    /** Runs {@code berth [--host URL] args...}. */
    public Run run(String... args) {
        return runWithStdin("", args);
    }

    /** Runs a command with {@code stdin} as its standard input. */
    public Run runWithStdin(String stdin, String... args) {
        List<String> all = new ArrayList<>();
        host.ifPresent(h -> all.addAll(List.of("--host", h)));
        all.addAll(Arrays.asList(args));
        return execute(stdin, all);
    }

    /** Runs a command writing its output to {@code out} (for watches that never end). */
    public int runStreaming(StringWriter out, String... args) {
        List<String> all = new ArrayList<>();
        host.ifPresent(h -> all.addAll(List.of("--host", h)));
        all.addAll(Arrays.asList(args));
        CommandLine cmd = Berth.commandLine(CliEnvironment.ofHome(home));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(new StringWriter(), true));
        return cmd.execute(all.toArray(String[]::new));
    }

    private Run execute(String stdin, List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        CommandLine cmd = Berth.commandLine(CliEnvironment.ofHome(home).withStdin(in));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }
}
