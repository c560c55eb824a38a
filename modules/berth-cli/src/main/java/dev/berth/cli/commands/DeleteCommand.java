package dev.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.Kind;
import dev.berth.cli.BerthCommand;
import dev.berth.cli.CliException;
import dev.berth.cli.flags.Converters;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code berth delete KIND NAME...} or {@code berth delete -f FILE}: deletes objects. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete objects by kind and name, or those declared in manifests (-f)."})
public final class DeleteCommand extends BerthCommand {

    @Parameters(paramLabel = "KIND NAME", arity = "0..*", description = "A kind, then one or more names.")
    private List<String> words = new ArrayList<>();

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR|-",
            description = "Delete the objects declared in these manifests. Repeatable.")
    private List<String> files = new ArrayList<>();

    /** One object to delete. */
    private record Target(Kind<?> kind, String name) {
    }

    @Override
    protected int run() {
        List<Target> targets = new ArrayList<>();
        if (!files.isEmpty()) {
            if (!words.isEmpty()) {
                throw usage("give either KIND NAME... or -f FILE, not both");
            }
            for (JsonNode doc : Manifests.documents(Manifests.read(files, env().stdin()))) {
                String kindName = doc.path("kind").asText("");
                Kind<?> kind = Kind.byName(kindName).orElseThrow(() -> new CliException(
                        "unknown kind \"" + kindName + "\" in a manifest: known kinds are " + Kind.accepted()));
                String name = doc.path("metadata").path("name").asText("");
                if (name.isEmpty()) {
                    throw new CliException("a " + kindName + " in the manifests has no metadata.name");
                }
                targets.add(new Target(kind, name));
            }
        } else {
            if (words.size() < 2) {
                throw usage("expected KIND NAME... (e.g. berth delete service whoami) or -f FILE");
            }
            Kind<?> kind;
            try {
                kind = Converters.parseKind(words.get(0));
            } catch (CommandLine.TypeConversionException e) {
                throw usage(e.getMessage());
            }
            for (String name : words.subList(1, words.size())) {
                targets.add(new Target(kind, name));
            }
        }
        return forEach(targets, t -> {
            client().delete(t.kind(), t.name());
            out().println(t.kind().singular() + "/" + t.name() + " deleted");
        });
    }
}
