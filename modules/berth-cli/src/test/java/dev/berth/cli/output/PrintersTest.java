package dev.berth.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.ApiObject;
import dev.berth.api.Service;
import dev.berth.api.codec.Codec;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrintersTest {

    @Test
    void namesAreKindSlashName() {
        assertThat(Printers.name(TablesTest.service("whoami", "u", 1, 0))).isEqualTo("service/whoami");
    }

    @Test
    void yamlListReadsBackAsTheSameObjects() {
        Service a = TablesTest.service("a", "u1", 1, 0);
        Service b = TablesTest.service("b", "u2", 2, 0);
        String yaml = Printers.yamlList(List.of(a, b));
        assertThat(yaml).contains("kind: List");
        List<ApiObject> items = new java.util.ArrayList<>();
        Codec.readDocuments(yaml).get(0).path("items").forEach(n -> items.add(Codec.decode(n)));
        assertThat(items).containsExactly(a, b);
    }

    @Test
    void yamlOfOneObjectIsTheCodecs() {
        Service a = TablesTest.service("a", "u1", 1, 0);
        assertThat(Printers.yaml(a)).isEqualTo(Codec.toYaml(a));
        assertThat(Codec.decodeAll(Printers.json(a))).containsExactly(a);
    }
}
