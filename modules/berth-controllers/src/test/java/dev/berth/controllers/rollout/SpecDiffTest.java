package dev.berth.controllers.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Placement;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one-line change descriptions of {@code rollout history}. */
class SpecDiffTest {

    private static ServiceSpec spec(String image, int replicas, Map<String, String> env, Duration grace) {
        return new ServiceSpec(image, ServiceMode.REPLICATED, replicas, null, null, env, null, null, null, null,
                null, null, null, null, grace);
    }

    @Test
    void anImageChangeShowsBothValues() {
        assertThat(SpecDiff.describe(ServiceSpec.ofImage("a:1"), ServiceSpec.ofImage("a:2")))
                .isEqualTo("image: a:1 -> a:2");
    }

    @Test
    void aForcedUpdateIsARestart() {
        ServiceSpec spec = ServiceSpec.ofImage("a:1");
        assertThat(SpecDiff.describe(spec, spec.forcedUpdate())).isEqualTo("restart (forceUpdate 0 -> 1)");
        assertThat(spec.forcedUpdate().taskTemplate()).as("a restart outdates every task")
                .isNotEqualTo(spec.taskTemplate());
    }

    @Test
    void severalChangesAreListedInTheSpecsOrder() {
        assertThat(SpecDiff.describe(spec("a:1", 1, Map.of(), null), spec("a:2", 3, Map.of(), null)))
                .isEqualTo("image: a:1 -> a:2; replicas: 1 -> 3");
    }

    @Test
    void envChangesAreShownByKeyWithoutValues() {
        ServiceSpec before = spec("a:1", 1, Map.of("OLD", "1", "SAME", "x", "TOKEN", "secret-1"), null);
        ServiceSpec after = spec("a:1", 1, Map.of("DEBUG", "1", "SAME", "x", "TOKEN", "secret-2"), null);
        String diff = SpecDiff.describe(before, after);
        assertThat(diff).isEqualTo("env: +DEBUG, -OLD, ~TOKEN");
        assertThat(diff).as("values may be secrets").doesNotContain("secret");
    }

    @Test
    void durationsAreFormattedAndNestedObjectsNamed() {
        ServiceSpec before = spec("a:1", 1, Map.of(), Duration.ofSeconds(10));
        ServiceSpec after = spec("a:1", 1, Map.of(), Duration.ofSeconds(30))
                .withPlacement(new Placement(List.of("node.role==manager"), 0, null));
        assertThat(SpecDiff.describe(before, after)).isEqualTo("placement changed; stopGracePeriod: 10s -> 30s");
    }

    @Test
    void equalSpecsHaveNoChange() {
        assertThat(SpecDiff.describe(ServiceSpec.ofImage("a:1"), ServiceSpec.ofImage("a:1"))).isEqualTo("no change");
    }
}
