package dev.berth.testkit.lab;

/**
 * What a command run on a lab node gave: its exit code and its whole output.
 *
 * @param exit the exit code (0: success)
 * @param stdout the standard output, as printed (not trimmed)
 * @param stderr the standard error, as printed
 */
public record ExecResult(int exit, String stdout, String stderr) {

    /** Whether the command exited 0. */
    public boolean ok() {
        return exit == 0;
    }

    /** The standard output without leading and trailing white space. */
    public String out() {
        return stdout.strip();
    }

    /**
     * This result if the command exited 0.
     *
     * @throws LabException otherwise, with the command's standard error
     */
    public ExecResult orThrow(String what) {
        if (!ok()) {
            throw new LabException(what + " exited " + exit + ": " + stderr.strip());
        }
        return this;
    }
}
