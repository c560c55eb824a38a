package dev.berth.cli.commands;

import dev.berth.api.Kind;
import dev.berth.api.Service;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.output.Tables;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code berth service ls}: {@code ID NAME MODE REPLICAS IMAGE PORTS}, like docker. */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true,
        description = "List services: ID NAME MODE REPLICAS IMAGE PORTS.")
public final class ServiceLsCommand extends BerthCommand {

    @Option(names = {"-q", "--quiet"}, description = "Only print names.")
    private boolean quiet;

    @Override
    protected int run() {
        List<Service> services = client().list(Kind.SERVICE, Optional.empty()).items();
        if (quiet) {
            services.stream().map(Service::name).sorted().forEach(out()::println);
        } else {
            out().print(Tables.serviceLs(services).render());
        }
        return 0;
    }
}
