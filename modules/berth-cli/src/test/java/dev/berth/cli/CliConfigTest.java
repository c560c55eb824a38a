package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliConfigTest {

    @TempDir
    Path home;

    CliEnvironment env(Map<String, String> vars) {
        return new CliEnvironment(vars, home, InputStream.nullInputStream(), Clock.systemUTC());
    }

    @Test
    void hostOptionThenEnvThenConfigThenDefault() throws Exception {
        assertThat(CliConfig.resolveServer(Optional.empty(), env(Map.of()))).isEqualTo(CliConfig.DEFAULT_SERVER);
        new CliConfig(Optional.of("http://10.0.0.1:4243"), Optional.of(home.resolve("state")))
                .write(CliConfig.file(home));
        assertThat(Files.readString(home.resolve(".berth/config"))).contains("server: http://10.0.0.1:4243");
        assertThat(CliConfig.resolveServer(Optional.empty(), env(Map.of()))).isEqualTo("http://10.0.0.1:4243");
        assertThat(CliConfig.resolveServer(Optional.empty(), env(Map.of("BERTH_HOST", "http://env:1"))))
                .isEqualTo("http://env:1");
        assertThat(CliConfig.resolveServer(Optional.of("http://flag:2"), env(Map.of("BERTH_HOST", "http://env:1"))))
                .isEqualTo("http://flag:2");
        assertThat(CliConfig.read(CliConfig.file(home)).stateDir()).contains(home.resolve("state"));
    }

    @Test
    void aConfigThatIsNotAMappingIsAnError() throws Exception {
        Files.createDirectories(home.resolve(".berth"));
        Files.writeString(home.resolve(".berth/config"), "- just\n- a list\n");
        assertThatThrownBy(() -> CliConfig.read(CliConfig.file(home))).isInstanceOf(CliException.class)
                .hasMessageContaining("expected a mapping");
    }

    @Test
    void mainRecognizesInitBehindGlobalOptions() {
        assertThat(Main.isInit(new String[] {"init", "--detach"})).isTrue();
        assertThat(Main.isInit(new String[] {"--host", "http://x:1", "init"})).isTrue();
        assertThat(Main.isInit(new String[] {"get", "init"})).isFalse();
        assertThat(Main.isInit(new String[] {"--help"})).isFalse();
    }
}
