package dev.berth.agent.network;

import java.io.IOException;
import java.util.List;

/**
 * Runs a system command to completion (the process boundary of {@link IptablesPortPublisher}, so
 * its sequencing can be tested without root).
 */
public interface CommandRunner {

    /**
     * The outcome of one command.
     *
     * @param exitCode the process's exit status
     * @param stdout what it printed
     * @param stderr what it complained about
     */
    record Result(int exitCode, String stdout, String stderr) {

        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code argv}, feeding {@code stdin} (may be empty), and waits for it to exit. */
    Result run(List<String> argv, String stdin) throws IOException;
}
