package dev.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.Kind;
import dev.berth.api.codec.Codec;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.CliException;
import dev.berth.cli.client.ApiException;
import dev.berth.cli.client.ApplyResult;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth apply -f FILE|DIR|-}: creates or updates the objects of manifests, all in one
 * request so that one bad document changes nothing.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Create or update objects from YAML or JSON manifests.",
            "All documents are sent in one request: if one is invalid, nothing is changed."})
public final class ApplyCommand extends BerthCommand {

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR|-",
            description = "A manifest file, a directory (its *.yaml, *.yml and *.json) or - for stdin. Repeatable.")
    private List<String> files;

    @Override
    protected int run() {
        List<Manifests.Source> sources = Manifests.read(files, env().stdin());
        List<JsonNode> documents = Manifests.documents(sources);
        if (documents.isEmpty()) {
            throw new CliException("no objects to apply in " + String.join(", ", files));
        }
        List<ApplyResult> results;
        try {
            if (sources.size() == 1) {
                // One manifest goes as written, so the manager's document numbers are the file's.
                String text = sources.get(0).text();
                String type = text.strip().startsWith("{") || text.strip().startsWith("[") ? "application/json"
                        : "application/yaml";
                results = client().apply(text, type);
            } else {
                results = client().apply(Codec.toJson(documents), "application/json");
            }
        } catch (ApiException e) {
            if (e.status() == 400) {
                throw new ApiException(e.status(), e.reason(), Manifests.locate(e.getMessage(), sources), e.field());
            }
            throw e;
        }
        for (ApplyResult r : results) {
            String kind = Kind.byName(r.kind()).map(Kind::singular).orElse(r.kind().toLowerCase(Locale.ROOT));
            out().println(kind + "/" + r.name() + " " + r.action());
        }
        return 0;
    }
}
