package dev.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentSettingsTest {

    @Test
    void noFileMeansNothingSaved(@TempDir Path dir) {
        AgentSettings s = AgentSettings.read(dir);
        assertThat(s.hostnameIfSet()).isEmpty();
        assertThat(s.advertiseAddressIfSet()).isEmpty();
        assertThat(s.dockerHostIfSet()).isEmpty();
    }

    @Test
    void savedSettingsComeBackAndFlagsWin(@TempDir Path dir) {
        new AgentSettings("lab-2", "10.99.0.12", "unix:///run/berth-lab/2/docker.sock").write(dir);

        AgentSettings restart = AgentSettings.read(dir).overriddenBy(null, null, null);
        assertThat(restart).isEqualTo(new AgentSettings("lab-2", "10.99.0.12", "unix:///run/berth-lab/2/docker.sock"));

        AgentSettings moved = AgentSettings.read(dir).overriddenBy(null, "10.99.0.22", "");
        assertThat(moved).isEqualTo(new AgentSettings("lab-2", "10.99.0.22", "unix:///run/berth-lab/2/docker.sock"));
        moved.write(dir);
        assertThat(AgentSettings.read(dir).advertiseAddressIfSet()).contains("10.99.0.22");
    }

    @Test
    void emptyValuesAreNotWritten(@TempDir Path dir) throws Exception {
        new AgentSettings("", "10.0.0.5", null).write(dir);

        assertThat(java.nio.file.Files.readString(dir.resolve(AgentSettings.FILE)))
                .contains("advertise-addr=10.0.0.5").doesNotContain("hostname=").doesNotContain("docker-host=");
        assertThat(AgentSettings.read(dir)).isEqualTo(new AgentSettings("", "10.0.0.5", ""));
    }
}
