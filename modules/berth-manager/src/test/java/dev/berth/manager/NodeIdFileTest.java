package dev.berth.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdFileTest {

    @Test
    void generatesOnceThenReusesTheStoredId(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        String id = NodeIdFile.loadOrCreate(state);
        assertThat(id).matches("[a-z0-9]{25}");
        assertThat(Files.readString(state.resolve("node-id")).strip()).isEqualTo(id);
        assertThat(NodeIdFile.loadOrCreate(state)).isEqualTo(id);
    }

    @Test
    void refusesAFileThatHoldsNoId(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("node-id"), "Not An Id\n");
        assertThatThrownBy(() -> NodeIdFile.loadOrCreate(dir)).hasMessageContaining("Not An Id");
    }
}
