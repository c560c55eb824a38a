package dev.berth.e2e;

import java.util.List;

/**
 * What one {@code bin/berth} call gave: its exit code and its output.
 *
 * @param args the arguments it ran with, for messages
 * @param exitCode the process's exit code
 * @param out standard output
 * @param err standard error
 */
record CliResult(List<String> args, int exitCode, String out, String err) {

    CliResult {
        args = List.copyOf(args);
    }

    /** The output lines that mention {@code word} (e.g. a service name). */
    List<String> linesWith(String word) {
        return out.lines().filter(l -> l.contains(word)).toList();
    }

    @Override
    public String toString() {
        return "berth " + String.join(" ", args) + " -> exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
