package dev.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.codec.Codec;
import dev.berth.api.codec.DecodeException;
import dev.berth.cli.CliException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The manifests named by {@code -f}: files, directories (their {@code *.yaml}, {@code *.yml} and
 * {@code *.json}, in name order) and {@code -} for standard input, read into documents.
 */
final class Manifests {

    private static final Pattern DOCUMENT_PREFIX = Pattern.compile("^document (\\d+): ");

    /**
     * One manifest's text.
     *
     * @param origin the file name, or {@code <stdin>}
     * @param text its content
     * @param documents its documents, parsed (empty documents dropped)
     */
    record Source(String origin, String text, List<JsonNode> documents) {
    }

    private Manifests() {
    }

    /**
     * Reads every {@code -f} argument.
     *
     * @throws CliException for a missing or unreadable file, a directory without manifests, or
     *     malformed YAML (the message names the file)
     */
    static List<Source> read(List<String> args, InputStream stdin) {
        List<Source> sources = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("-")) {
                try {
                    sources.add(parse("<stdin>", new String(stdin.readAllBytes(), StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new CliException("cannot read standard input: " + e.getMessage(), e);
                }
                continue;
            }
            Path path = Path.of(arg);
            if (Files.isDirectory(path)) {
                List<Path> files;
                try (Stream<Path> list = Files.list(path)) {
                    files = list.filter(Files::isRegularFile).filter(Manifests::isManifest).sorted().toList();
                } catch (IOException e) {
                    throw new CliException("cannot list " + arg + ": " + e.getMessage(), e);
                }
                if (files.isEmpty()) {
                    throw new CliException(arg + ": no *.yaml, *.yml or *.json files in this directory");
                }
                for (Path f : files) {
                    sources.add(parse(f.toString(), readFile(f)));
                }
            } else if (Files.exists(path)) {
                sources.add(parse(arg, readFile(path)));
            } else {
                throw new CliException(arg + ": no such file or directory");
            }
        }
        return List.copyOf(sources);
    }

    private static boolean isManifest(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    private static String readFile(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new CliException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static Source parse(String origin, String text) {
        try {
            return new Source(origin, text, Codec.readDocuments(text));
        } catch (DecodeException e) {
            throw new CliException(origin + ": " + e.getMessage(), e);
        }
    }

    /** Every document of every source, in order. */
    static List<JsonNode> documents(List<Source> sources) {
        List<JsonNode> all = new ArrayList<>();
        for (Source s : sources) {
            all.addAll(s.documents());
        }
        return all;
    }

    /**
     * Rewrites the server's {@code document N: ...} (N counted over everything sent) into
     * {@code FILE: document k: ...} so the person knows where to look.
     */
    static String locate(String message, List<Source> sources) {
        Matcher m = DOCUMENT_PREFIX.matcher(message);
        if (!m.find()) {
            return sources.size() == 1 ? sources.get(0).origin() + ": " + message : message;
        }
        int n = Integer.parseInt(m.group(1));
        String rest = message.substring(m.end());
        for (Source s : sources) {
            if (n <= s.documents().size()) {
                return s.origin() + ": " + (s.documents().size() > 1 ? "document " + n + ": " : "") + rest;
            }
            n -= s.documents().size();
        }
        return message;
    }
}
