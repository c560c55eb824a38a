package dev.berth.cli;

import dev.berth.api.codec.DecodeException;
import dev.berth.cli.client.ApiClient;
import dev.berth.cli.client.ApiException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The base of every {@code berth} command: reaches the root {@link Berth} for the manager's
 * address and environment, and turns the errors a person should read (API errors, unreadable
 * files) into one line {@code Error: ...} on stderr with exit code 1, without a stack trace,
 * however the {@link CommandLine} was built.
 */
public abstract class BerthCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    private ApiClient client;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (ApiException | CliException | DecodeException e) {
            out().flush();
            err().println("Error: " + e.getMessage());
            return 1;
        } finally {
            out().flush();
            err().flush();
        }
    }

    /**
     * Does the command's work.
     *
     * @return the exit code
     */
    protected abstract int run();

    /** The top-level command (global options and environment). */
    protected Berth berth() {
        return (Berth) spec.root().userObject();
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    protected CliEnvironment env() {
        return berth().environment();
    }

    protected Instant now() {
        return env().clock().instant();
    }

    /** The API client for the manager this invocation talks to (created once). */
    protected ApiClient client() {
        if (client == null) {
            client = new ApiClient(berth().server());
        }
        return client;
    }

    /**
     * Applies {@code action} to every item, as kubectl does with several names: an error the
     * manager answers for one item is printed and the others still run; the exit code is 1 if
     * any failed. An unreachable manager stops at once.
     *
     * @return the exit code
     */
    protected <T> int forEach(List<T> items, Consumer<T> action) {
        int code = 0;
        for (T item : items) {
            try {
                action.accept(item);
            } catch (ApiException e) {
                if (e.status() == ApiException.UNREACHABLE) {
                    throw e;
                }
                out().flush();
                err().println("Error: " + e.getMessage());
                code = 1;
            }
        }
        return code;
    }

    /** A usage error (exit code 2) about this command's input. */
    protected CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
