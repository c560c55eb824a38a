package dev.berth.cli.commands;

import dev.berth.api.Kind;
import dev.berth.api.Service;
import dev.berth.api.ServiceRevision;
import dev.berth.api.Task;
import dev.berth.api.codec.Codec;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.CliException;
import dev.berth.cli.client.ApiException;
import dev.berth.cli.flags.ServiceTarget;
import dev.berth.cli.output.Tables;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code berth rollout history service/NAME}: the service's kept revisions (the newest
 * {@value ServiceRevision#HISTORY_LIMIT}) with what changed in each, the current one marked; with
 * {@code --revision N} that revision's whole spec as YAML.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"List a service's revisions and what changed in each; the current one is marked.",
            "With --revision N, print that revision's spec as YAML."})
public final class RolloutHistoryCommand extends BerthCommand {

    @Mixin
    private ServiceTarget target;

    @Option(names = "--revision", paramLabel = "N", description = "Print revision N's spec as YAML.")
    private Long revision;

    @Override
    protected int run() {
        String name = target.name();
        // read the service first: a service that does not exist is a 404, not an empty history
        Service service = client().get(Kind.SERVICE, name);
        if (revision != null) {
            ServiceRevision r;
            try {
                r = client().get(Kind.SERVICE_REVISION, ServiceRevision.nameOf(name, revision));
            } catch (ApiException e) {
                if (e.isNotFound()) {
                    throw new CliException("service \"" + name + "\" has no revision " + revision
                            + " (see berth rollout history service/" + name + ")");
                }
                throw e;
            }
            out().print(revisionYaml(r, service.status().revision()));
            return 0;
        }
        List<ServiceRevision> revisions = client().list(Kind.SERVICE_REVISION,
                Optional.of(Task.SERVICE_LABEL + "=" + name)).items().stream()
                .filter(r -> r.serviceName().equals(name))
                .sorted(Comparator.comparingLong(ServiceRevision::revision)).toList();
        if (revisions.isEmpty()) {
            out().println("service \"" + name + "\" has no recorded revisions");
            return 0;
        }
        out().println("service/" + name);
        out().print(Tables.rolloutHistory(revisions, service.status().revision(), now()).render());
        return 0;
    }

    /** A revision's spec, headed by YAML comments saying which it is and what changed. */
    static String revisionYaml(ServiceRevision r, long current) {
        StringBuilder out = new StringBuilder("# service \"" + r.serviceName() + "\", revision " + r.revision()
                + (r.revision() == current ? " (current)" : "") + "\n");
        if (!r.changeCause().isEmpty()) {
            out.append("# change cause: ").append(r.changeCause().replace("\n", " ")).append('\n');
        }
        return out.append(Codec.toYaml(r.spec())).toString();
    }
}
