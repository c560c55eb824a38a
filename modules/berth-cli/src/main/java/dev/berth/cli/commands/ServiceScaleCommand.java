package dev.berth.cli.commands;

import dev.berth.api.Kind;
import dev.berth.api.Service;
import dev.berth.api.ServiceMode;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.client.ApiException;
import dev.berth.cli.flags.ScaleArg;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code berth service scale NAME=N...}: reads each service and replaces it with the new replica
 * count as a compare-and-swap on its resourceVersion, reading again when someone else wrote in
 * between (409).
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "Change the number of replicas of replicated services: berth service scale whoami=5.")
public final class ServiceScaleCommand extends BerthCommand {

    /** A conflict this many times in a row means a writer loop, not bad luck. */
    static final int ATTEMPTS = 5;

    @Parameters(paramLabel = "SERVICE=REPLICAS", arity = "1..*", description = "Services and their new replica counts.")
    private List<String> scales;

    @Override
    protected int run() {
        List<ScaleArg> parsed = new ArrayList<>();
        for (String s : scales) {
            try {
                parsed.add(ScaleArg.parse(s));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        return forEach(parsed, a -> {
            scale(a);
            out().println(a.service() + " scaled to " + a.replicas());
        });
    }

    private void scale(ScaleArg a) {
        for (int attempt = 1; ; attempt++) {
            Service current = client().get(Kind.SERVICE, a.service());
            if (current.spec().mode() != ServiceMode.REPLICATED) {
                throw new ApiException(400, "Invalid", "scale can only be used with replicated mode", "spec.mode");
            }
            try {
                // The current object carries its resourceVersion: the PUT is a compare-and-swap.
                client().replace(current.withSpec(current.spec().withReplicas(a.replicas())));
                return;
            } catch (ApiException e) {
                if (!e.isConflict() || attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
