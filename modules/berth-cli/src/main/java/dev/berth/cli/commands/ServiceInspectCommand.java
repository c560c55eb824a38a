package dev.berth.cli.commands;

import dev.berth.api.Endpoints;
import dev.berth.api.Kind;
import dev.berth.api.Service;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.output.Describe;
import dev.berth.cli.output.OutputFormat;
import dev.berth.cli.output.Printers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code berth service inspect NAME...}: the stored service as YAML (or JSON), or with
 * {@code --pretty} docker's human view, with the service's virtual IP.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show services as stored, in YAML or JSON, or for a person (with the virtual IP) with --pretty.")
public final class ServiceInspectCommand extends BerthCommand {

    @Parameters(paramLabel = "SERVICE", arity = "1..*", description = "Service names.")
    private List<String> names;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", converter = OutputFormat.Converter.class,
            description = "yaml (default) or json.")
    private OutputFormat format = OutputFormat.YAML;

    @Option(names = "--pretty", description = "Print the information in a human friendly format, with the virtual IP.")
    private boolean pretty;

    @Override
    protected int run() {
        if (format != OutputFormat.YAML && format != OutputFormat.JSON) {
            throw usage("--format must be yaml or json");
        }
        List<Service> services = new ArrayList<>();
        for (String name : names) {
            services.add(client().get(Kind.SERVICE, name));
        }
        if (pretty) {
            for (int i = 0; i < services.size(); i++) {
                Service s = services.get(i);
                // the network controller names a service's Endpoints after it; none yet is fine
                Optional<Endpoints> endpoints = client().find(Kind.ENDPOINTS, s.name());
                out().print((i > 0 ? "\n" : "") + Describe.servicePretty(s, endpoints, Optional.of(now())));
            }
            return 0;
        }
        for (int i = 0; i < services.size(); i++) {
            if (format == OutputFormat.JSON) {
                out().print(services.size() == 1 ? Printers.json(services.get(i)) : "");
            } else {
                out().print((i > 0 ? "---\n" : "") + Printers.yaml(services.get(i)));
            }
        }
        if (format == OutputFormat.JSON && services.size() > 1) {
            out().print(Printers.jsonList(services));
        }
        return 0;
    }
}
