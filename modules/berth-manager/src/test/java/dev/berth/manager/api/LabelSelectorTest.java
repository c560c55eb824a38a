package dev.berth.manager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.manager.api.LabelSelector.Operator;
import dev.berth.manager.api.LabelSelector.Requirement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LabelSelectorTest {

    private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front", "berth.dev/zone", "a");

    @Test
    void parsesEveryOperator() {
        assertThat(LabelSelector.parse("app=web, tier==front,env!=prod,canary,!legacy").requirements())
                .containsExactly(
                        new Requirement("app", Operator.EQUALS, "web"),
                        new Requirement("tier", Operator.EQUALS, "front"),
                        new Requirement("env", Operator.NOT_EQUALS, "prod"),
                        new Requirement("canary", Operator.EXISTS, ""),
                        new Requirement("legacy", Operator.NOT_EXISTS, ""));
    }

    @Test
    void blankSelectsEverything() {
        assertThat(LabelSelector.parse(null).isEmpty()).isTrue();
        assertThat(LabelSelector.parse("  ").matches(Map.of())).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "app=web; true",
        "app==web; true",
        "app=db; false",
        "app!=db; true",
        "app!=web; false",
        "missing!=x; true",
        "app; true",
        "missing; false",
        "!missing; true",
        "!app; false",
        "app=web,tier=front; true",
        "app=web,tier=back; false",
        "berth.dev/zone=a; true",
        "app=; false",
        "empty=; true",
    })
    void matchesLikeKubernetes(String selector, boolean expected) {
        Map<String, String> labels = new java.util.HashMap<>(WEB);
        labels.put("empty", "");
        assertThat(LabelSelector.parse(selector).matches(labels)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"app=web,", ",", "=web", "a b=c", "app=we b", "app=-x", "!", "!=x", "app=web=x"})
    void rejectsMalformedSelectors(String selector) {
        assertThatThrownBy(() -> LabelSelector.parse(selector))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"");
    }

    @Test
    void errorNamesTheBadKey() {
        assertThatThrownBy(() -> LabelSelector.parse("app=web,bad key=x"))
                .hasMessageContaining("invalid label key \"bad key\"");
    }

    @Test
    void requirementsAreImmutable() {
        LabelSelector s = new LabelSelector(new java.util.ArrayList<>(List.of(
                new Requirement("a", Operator.EXISTS, ""))));
        assertThatThrownBy(() -> s.requirements().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
