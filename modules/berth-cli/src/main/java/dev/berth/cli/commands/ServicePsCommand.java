package dev.berth.cli.commands;

import dev.berth.api.Kind;
import dev.berth.api.Task;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.output.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code berth service ps NAME}: the service's tasks, like docker: by slot, newest first, older
 * tasks of a slot as {@code \_ name} history rows.
 */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = "List the tasks of services: ID NAME IMAGE NODE DESIRED STATE CURRENT STATE ERROR PORTS.")
public final class ServicePsCommand extends BerthCommand {

    @Parameters(paramLabel = "SERVICE", arity = "1..*", description = "Service names.")
    private List<String> names;

    @Override
    protected int run() {
        List<Task> tasks = new ArrayList<>();
        for (String name : names) {
            client().get(Kind.SERVICE, name); // a missing service is an error, not an empty table
            tasks.addAll(client().list(Kind.TASK, Optional.of(Task.SERVICE_LABEL + "=" + name)).items());
        }
        Map<String, String> hostnames = Tables.hostnames(client().list(Kind.NODE, Optional.empty()).items());
        out().print(Tables.servicePs(tasks, hostnames, now()).render());
        return 0;
    }
}
