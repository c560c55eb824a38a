package dev.berth.cli.flags;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code SERVICE} argument every {@code berth rollout} command takes ({@code service/NAME},
 * {@code svc/NAME} or {@code NAME}, read by {@link ServiceRef}), as a picocli mixin.
 */
public final class ServiceTarget {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "service/NAME, svc/NAME or NAME.")
    private String target;

    /**
     * The service's name.
     *
     * @throws ParameterException a usage error (exit 2) for another kind ({@code node/x}) or an
     *     empty name
     */
    public String name() {
        try {
            return ServiceRef.parse(target);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), e.getMessage());
        }
    }
}
