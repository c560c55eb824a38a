package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.codec.Codec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's settings file, {@code ~/.berth/config}: a small YAML mapping written by
 * {@code berth init}.
 *
 * <pre>
 * server: http://127.0.0.1:4243
 * stateDir: /var/lib/berth
 * </pre>
 *
 * @param server the manager's API URL
 * @param stateDir the state directory of the manager {@code berth init} started here, if any (so
 *     that {@code berth status} and {@code berth stop} find its pid file)
 */
public record CliConfig(Optional<String> server, Optional<Path> stateDir) {

    /** The manager the CLI talks to when nothing else says otherwise. */
    public static final String DEFAULT_SERVER = "http://127.0.0.1:4243";
    /** The environment variable naming the manager, after {@code --host}. */
    public static final String HOST_ENV = "BERTH_HOST";

    public static final CliConfig EMPTY = new CliConfig(Optional.empty(), Optional.empty());

    /** {@code ~/.berth/config} under {@code home}. */
    public static Path file(Path home) {
        return home.resolve(".berth").resolve("config");
    }

    /** Where a manager keeps its state when neither the option nor the config names a directory. */
    public static Path defaultStateDir() {
        return dev.berth.manager.ManagerConfig.DEFAULT_STATE_DIR;
    }

    /**
     * Reads the config file; a missing file is an empty config.
     *
     * @throws CliException when the file exists but is not the expected YAML
     */
    public static CliConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            return EMPTY;
        }
        try {
            JsonNode node = Codec.yaml().readTree(Files.readString(file));
            if (node == null || node.isMissingNode() || node.isNull()) {
                return EMPTY;
            }
            if (!node.isObject()) {
                throw new CliException(file + ": expected a mapping like \"server: " + DEFAULT_SERVER + "\"");
            }
            return new CliConfig(text(node, "server"), text(node, "stateDir").map(Path::of));
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        return Optional.ofNullable(node.get(field)).filter(JsonNode::isTextual).map(JsonNode::asText)
                .filter(s -> !s.isBlank());
    }

    /** Writes this config to {@code file}, creating its directory. */
    public void write(Path file) {
        Map<String, String> map = new LinkedHashMap<>();
        server.ifPresent(s -> map.put("server", s));
        stateDir.ifPresent(d -> map.put("stateDir", d.toString()));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Codec.toYaml(map));
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The manager to talk to: {@code --host}, else {@code $BERTH_HOST}, else the config file's
     * {@code server}, else {@value #DEFAULT_SERVER}.
     */
    public static String resolveServer(Optional<String> hostOption, CliEnvironment env) {
        if (hostOption.isPresent() && !hostOption.get().isBlank()) {
            return hostOption.get();
        }
        Optional<String> fromEnv = env.get(HOST_ENV);
        if (fromEnv.isPresent()) {
            return fromEnv.get();
        }
        return read(file(env.home())).server().orElse(DEFAULT_SERVER);
    }
}
