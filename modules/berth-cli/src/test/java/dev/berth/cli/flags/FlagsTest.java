package dev.berth.cli.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.Kind;
import dev.berth.api.PlacementPreference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FlagsTest {

    @Test
    void keyValuesSplitAtTheFirstEqualsAndLaterWins() {
        Map<String, String> parsed = KeyValues.parse(List.of("A=1", "B=x=y", "C=", "A=2"), "--env");
        assertThat(parsed).containsOnly(Map.entry("A", "2"), Map.entry("B", "x=y"), Map.entry("C", ""));
        assertThatThrownBy(() -> KeyValues.parse(List.of("=x"), "--label")).hasMessageContaining("--label \"=x\"");
        assertThatThrownBy(() -> KeyValues.parse(List.of("A"), "--env")).hasMessageContaining("KEY=VALUE");
    }

    @Test
    void portsThroughTheConverter() {
        Converters.Port port = new Converters.Port();
        assertThat(port.convert("8080:80").display()).isEqualTo("*:8080->80/tcp");
        assertThat(port.convert("53:53/udp").display()).isEqualTo("*:53->53/udp");
        assertThat(port.convert("80").published()).isZero();
        // out of range is the manager's validation to reject (with the field name), not a parse error
        assertThat(port.convert("70000:80").published()).isEqualTo(70000);
        assertThatThrownBy(() -> port.convert("a:b")).isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void kindsBySingularPluralAliasAndCase() {
        assertThat(Converters.parseKind("svc")).isSameAs(Kind.SERVICE);
        assertThat(Converters.parseKind("Services")).isSameAs(Kind.SERVICE);
        assertThat(Converters.parseKind("no")).isSameAs(Kind.NODE);
        assertThat(Converters.parseKind("task")).isSameAs(Kind.TASK);
        assertThat(Converters.parseKind("cluster")).isSameAs(Kind.CLUSTER);
        assertThatThrownBy(() -> Converters.parseKind("pods"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("unknown kind \"pods\"")
                .hasMessageContaining("services, tasks, nodes, clusters");
    }

    @Test
    void scaleArguments() {
        assertThat(ScaleArg.parse("whoami=5")).isEqualTo(new ScaleArg("whoami", 5));
        assertThat(ScaleArg.parse("whoami=-1")).isEqualTo(new ScaleArg("whoami", -1));
        assertThatThrownBy(() -> ScaleArg.parse("whoami")).hasMessageContaining("SERVICE=REPLICAS");
        assertThatThrownBy(() -> ScaleArg.parse("whoami=")).hasMessageContaining("SERVICE=REPLICAS");
        assertThatThrownBy(() -> ScaleArg.parse("whoami=five")).hasMessageContaining("integer");
    }

    @Test
    void placementPreferences() {
        assertThat(ServiceFlags.parsePreference("spread=node.labels.zone"))
                .isEqualTo(new PlacementPreference("node.labels.zone"));
        assertThatThrownBy(() -> ServiceFlags.parsePreference("spread=")).hasMessageContaining("spread=");
    }
}
