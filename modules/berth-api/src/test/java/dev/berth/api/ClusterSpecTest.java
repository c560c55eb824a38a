package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.codec.Codec;
import dev.berth.api.codec.DecodeException;
import dev.berth.api.validation.FieldError;
import dev.berth.api.validation.Validation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterSpecTest {

    private static Cluster decode(String spec) {
        return (Cluster) Codec.decodeAll("apiVersion: berth.dev/v1\nkind: Cluster\nmetadata: { name: default }\nspec: "
                + spec + "\n").get(0);
    }

    private static List<FieldError> errorsOf(String spec) {
        return Validation.validate(decode(spec));
    }

    @Test
    void absentTimingsTakeTheDefaults() {
        DispatcherSpec d = decode("{}").spec().dispatcher();
        assertThat(d.heartbeatPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.reconnectGrace()).isEqualTo(Duration.ofMillis(500));
        assertThat(d.leaderChangeGrace()).isEqualTo(Duration.ofSeconds(15));
        assertThat(decode("{ dispatcher: { heartbeatPeriod: 500ms } }").spec().dispatcher().heartbeatTimeout())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(errorsOf("{}")).isEmpty();
        assertThat(Validation.clusterSpec(ClusterSpec.DEFAULT)).isEmpty();
    }

    @Test
    void timingsRoundTripAsGoDurations() {
        Cluster c = decode("{ taskHistoryLimit: 3, dispatcher: { heartbeatPeriod: 250ms, heartbeatTimeout: 3s,"
                + " reconnectGrace: 1s, leaderChangeGrace: 1m } }");
        String json = Codec.toJson(c);
        assertThat(json).contains("\"heartbeatPeriod\":\"250ms\"").contains("\"heartbeatTimeout\":\"3s\"")
                .contains("\"leaderChangeGrace\":\"1m\"");
        assertThat(Codec.decodeAll(json).get(0)).isEqualTo(c);
        assertThat(new ClusterSpec(3).dispatcher()).isEqualTo(DispatcherSpec.DEFAULT);
    }

    @Test
    void badDurationsAndUnknownFieldsAreRejectedWhenDecoding() {
        assertThatThrownBy(() -> decode("{ dispatcher: { heartbeatPeriod: soon } }"))
                .isInstanceOf(DecodeException.class).hasMessageContaining("spec.dispatcher.heartbeatPeriod");
        assertThatThrownBy(() -> decode("{ dispatcher: { heartbeatInterval: 1s } }"))
                .isInstanceOf(DecodeException.class).hasMessageContaining("heartbeatInterval");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "period too short    | { dispatcher: { heartbeatPeriod: 50ms } }     | spec.dispatcher.heartbeatPeriod: must be between 100ms and 1m, got 50ms",
        "period too long     | { dispatcher: { heartbeatPeriod: 2m, heartbeatTimeout: 5m } } | spec.dispatcher.heartbeatPeriod: must be between 100ms and 1m",
        "timeout below lease | { dispatcher: { heartbeatTimeout: 1s } }      | spec.dispatcher.heartbeatTimeout: must be between 2s and 1h, got 1s",
        "timeout fraction    | { dispatcher: { heartbeatTimeout: 2500ms } }  | spec.dispatcher.heartbeatTimeout: must be a whole number of seconds",
        "timeout vs period   | { dispatcher: { heartbeatPeriod: 2s, heartbeatTimeout: 3s } } | spec.dispatcher.heartbeatTimeout: must be at least two heartbeat periods (4s)",
        "grace too long      | { dispatcher: { reconnectGrace: 2m } }        | spec.dispatcher.reconnectGrace: must be between 0s and 1m, got 2m",
        "leader grace        | { dispatcher: { leaderChangeGrace: 2h } }     | spec.dispatcher.leaderChangeGrace: must be between 0s and 1h",
        "history             | { taskHistoryLimit: -1 }                      | spec.taskHistoryLimit: must be >= 0, got -1",
    })
    void namesTheField(String what, String spec, String expected) {
        assertThat(errorsOf(spec)).extracting(FieldError::toString).anySatisfy(e -> assertThat(e).startsWith(expected));
    }

    @Test
    void negativeDurationsBuiltInCodeAreRejected() {
        ClusterSpec spec = new ClusterSpec(5, new DispatcherSpec(null, null, Duration.ofSeconds(-1), null));
        assertThat(Validation.clusterSpec(spec)).extracting(FieldError::field)
                .containsExactly("spec.dispatcher.reconnectGrace");
    }
}
