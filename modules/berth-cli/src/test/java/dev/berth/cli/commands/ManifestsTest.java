package dev.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cli.CliException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestsTest {

    @TempDir
    Path dir;

    static final String SVC = "apiVersion: berth.dev/v1\nkind: Service\nmetadata: {name: %s}\nspec: {image: x}\n";

    @Test
    void readsFilesDirectoriesAndStdin() throws Exception {
        Files.writeString(dir.resolve("b.yaml"), SVC.formatted("b") + "---\n" + SVC.formatted("c"));
        Files.writeString(dir.resolve("a.json"), "{\"apiVersion\":\"berth.dev/v1\",\"kind\":\"Service\"}");
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        InputStream stdin = new ByteArrayInputStream(SVC.formatted("d").getBytes(StandardCharsets.UTF_8));
        List<Manifests.Source> sources = Manifests.read(List.of(dir.toString(), "-"), stdin);
        assertThat(sources).extracting(Manifests.Source::origin)
                .containsExactly(dir.resolve("a.json").toString(), dir.resolve("b.yaml").toString(), "<stdin>");
        assertThat(Manifests.documents(sources)).hasSize(4);
    }

    @Test
    void locatesTheServersDocumentNumberInTheFiles() throws Exception {
        Files.writeString(dir.resolve("one.yaml"), SVC.formatted("a"));
        Files.writeString(dir.resolve("two.yaml"), SVC.formatted("b") + "---\n" + SVC.formatted("c"));
        List<Manifests.Source> sources = Manifests.read(
                List.of(dir.resolve("one.yaml").toString(), dir.resolve("two.yaml").toString()), InputStream.nullInputStream());
        assertThat(Manifests.locate("document 3: spec.replicas: must be >= 0, got -1", sources))
                .isEqualTo(dir.resolve("two.yaml") + ": document 2: spec.replicas: must be >= 0, got -1");
        assertThat(Manifests.locate("document 1: bad", sources)).isEqualTo(dir.resolve("one.yaml") + ": bad");
    }

    @Test
    void missingFilesAndMalformedYamlNameTheFile() throws Exception {
        assertThatThrownBy(() -> Manifests.read(List.of(dir.resolve("nope.yaml").toString()),
                InputStream.nullInputStream())).isInstanceOf(CliException.class).hasMessageContaining("nope.yaml: no such file");
        Files.writeString(dir.resolve("bad.yaml"), "kind: [unclosed\n");
        assertThatThrownBy(() -> Manifests.read(List.of(dir.resolve("bad.yaml").toString()),
                InputStream.nullInputStream())).isInstanceOf(CliException.class)
                .hasMessageContaining("bad.yaml: malformed YAML");
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThatThrownBy(() -> Manifests.read(List.of(empty.toString()), InputStream.nullInputStream()))
                .hasMessageContaining("no *.yaml");
    }
}
