package dev.berth.testkit.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabNodeTest {

    @Test
    void derivesEverythingFromTheIndexAsTheScriptDoes() {
        LabNode node = LabNode.of(2);

        assertThat(node.namespace()).isEqualTo("berth-lab-2");
        assertThat(node.address()).isEqualTo("10.99.0.12");
        assertThat(node.dockerHost()).isEqualTo("unix:///run/berth-lab/2/docker.sock");
        assertThat(node.stateDir()).isEqualTo(Path.of("/var/lib/berth-lab/2/berth"));
        assertThat(node.hostname()).isEqualTo("lab-2");
    }

    @Test
    void nodeOneIsLabOneAndRunsTheManager() {
        assertThat(LabNode.of(1).hostname()).isEqualTo("lab-1");
        assertThat(LabNode.managerUrl()).isEqualTo("http://10.99.0.11:4243");
    }

    @Test
    void rejectsIndicesTheScriptRejects() {
        assertThatThrownBy(() -> LabNode.of(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LabNode.of(201)).hasMessageContaining("1..200");
    }

    @Test
    void findsTheScriptFromAModuleDirectory(@TempDir Path repo) throws IOException {
        Path script = Files.createDirectories(repo.resolve("deploy")).resolve("lab.sh");
        Files.writeString(script, "#!/bin/sh\n");
        Path module = Files.createDirectories(repo.resolve("modules/berth-testkit"));

        assertThat(LabScript.find(module)).contains(script);
        assertThat(LabScript.find(repo)).contains(script);
    }

    @Test
    void findsNoScriptOutsideARepository(@TempDir Path dir) {
        assertThat(LabScript.find(dir)).isEmpty();
    }

    @Test
    void theRepositoryHasItsScript() {
        // the tests run in modules/berth-testkit; the extension walks up from there
        assertThat(LabScript.find(Path.of(""))).hasValueSatisfying(p -> assertThat(p).isExecutable());
    }

    @Test
    void execResultTellsSuccessAndThrowsWithStderr() {
        assertThat(new ExecResult(0, " hi\n", "").out()).isEqualTo("hi");
        assertThatThrownBy(() -> new ExecResult(3, "", "boom\n").orThrow("docker ps"))
                .isInstanceOf(LabException.class).hasMessage("docker ps exited 3: boom");
    }
}
