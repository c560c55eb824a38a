package dev.berth.cli.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.FailureAction;
import dev.berth.api.HealthCheck;
import dev.berth.api.PortConfig;
import dev.berth.api.ServiceMode;
import dev.berth.api.ServiceSpec;
import dev.berth.api.UpdateConfig;
import dev.berth.api.UpdateOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure parts of {@code service update}: flags laid over a stored spec. */
class ServiceUpdatesTest {

    static final ServiceSpec STORED = new ServiceSpec("berth-examples/whoami:1", null, 3, null, List.of("serve"),
            Map.of("A", "1", "B", "2"), List.of(PortConfig.parse("8080:80"), PortConfig.parse("53:53/udp")), null,
            null, null, null, null, null, null, null,
            new HealthCheck(null, Optional.of(new HealthCheck.HttpGetProbe("/healthz", 80)), null,
                    Duration.ofSeconds(5), null, null, null), false);

    static UpdateConfigFlags update(String parallelism, String delay, String action, String monitor, String ratio,
            String order) {
        return new UpdateConfigFlags(UpdateConfigFlags.UPDATE, Optional.ofNullable(parallelism),
                Optional.ofNullable(delay), Optional.ofNullable(action), Optional.ofNullable(monitor),
                Optional.ofNullable(ratio), Optional.ofNullable(order));
    }

    static ServiceUpdates with(UpdateConfigFlags u) {
        ServiceUpdates n = ServiceUpdates.none();
        return new ServiceUpdates(n.image(), n.replicas(), n.envAdd(), n.envRm(), n.publishAdd(), n.publishRm(), u,
                n.rollback(), n.health(), n.noHealthcheck(), n.init());
    }

    @Test
    void updateFlagsOverrideOnlyWhatIsGiven() {
        UpdateConfig base = new UpdateConfig(4, Duration.ofSeconds(10), FailureAction.CONTINUE, null, 0.5, null);
        UpdateConfig result = update("2", null, "rollback", "30s", null, "start-first").applyTo(base);
        assertThat(result).isEqualTo(new UpdateConfig(2, Duration.ofSeconds(10), FailureAction.ROLLBACK,
                Duration.ofSeconds(30), 0.5, UpdateOrder.START_FIRST));
        assertThat(update(null, null, null, null, null, null).applyTo(base)).isEqualTo(base);
        assertThat(update("0", "0", "PAUSE", "1m30s", "1", "stop-first").applyTo(UpdateConfig.DEFAULT))
                .isEqualTo(new UpdateConfig(0, Duration.ZERO, FailureAction.PAUSE, Duration.ofSeconds(90), 1.0,
                        UpdateOrder.STOP_FIRST));
    }

    @Test
    void badUpdateValuesNameTheFlag() {
        assertThatThrownBy(() -> update("-1", null, null, null, null, null).validate())
                .hasMessageStartingWith("--update-parallelism: must be >= 0, got -1");
        assertThatThrownBy(() -> update("two", null, null, null, null, null).validate())
                .hasMessage("--update-parallelism: not a number: \"two\"");
        assertThatThrownBy(() -> update(null, null, null, "soon", null, null).validate())
                .hasMessageStartingWith("--update-monitor: not a duration: \"soon\"");
        assertThatThrownBy(() -> update(null, "-5s", null, null, null, null).validate())
                .hasMessageStartingWith("--update-delay: not a duration: \"-5s\"");
        assertThatThrownBy(() -> update(null, null, "retry", null, null, null).validate())
                .hasMessage("--update-failure-action: must be pause, continue or rollback, got \"retry\"");
        assertThatThrownBy(() -> update(null, null, null, null, "1.5", null).validate())
                .hasMessage("--update-max-failure-ratio: must be between 0 and 1, got 1.5");
        assertThatThrownBy(() -> update(null, null, null, null, null, "random").validate())
                .hasMessage("--update-order: must be stop-first or start-first, got \"random\"");
    }

    @Test
    void aRollbackCannotRollBackOnFailure() {
        UpdateConfigFlags rb = new UpdateConfigFlags(UpdateConfigFlags.ROLLBACK, Optional.empty(), Optional.empty(),
                Optional.of("rollback"), Optional.empty(), Optional.empty(), Optional.empty());
        assertThatThrownBy(rb::validate)
                .hasMessage("--rollback-failure-action: must be pause or continue, got \"rollback\"");
        UpdateConfigFlags ok = new UpdateConfigFlags(UpdateConfigFlags.ROLLBACK, Optional.of("3"), Optional.empty(),
                Optional.of("continue"), Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(ok.applyTo(UpdateConfig.DEFAULT).failureAction()).isEqualTo(FailureAction.CONTINUE);
        assertThat(ok.applyTo(UpdateConfig.DEFAULT).parallelism()).isEqualTo(3);
    }

    @Test
    void noFlagsLeaveTheSpecEqual() {
        assertThat(ServiceUpdates.none().isEmpty()).isTrue();
        assertThat(ServiceUpdates.none().applyTo(STORED)).isEqualTo(STORED);
    }

    @Test
    void imageEnvAndPortsChangeAndTheRestStays() {
        ServiceUpdates u = new ServiceUpdates(Optional.of("berth-examples/whoami:2"), Optional.empty(),
                List.of("C=3", "A=one"), List.of("B"), List.of("9090:90"), List.of("53/udp"),
                UpdateConfigFlags.none(UpdateConfigFlags.UPDATE), UpdateConfigFlags.none(UpdateConfigFlags.ROLLBACK),
                HealthFlags.NONE, false, Optional.empty());
        ServiceSpec next = u.applyTo(STORED);
        assertThat(next.image()).isEqualTo("berth-examples/whoami:2");
        assertThat(next.env()).containsExactly(Map.entry("A", "one"), Map.entry("C", "3"));
        assertThat(next.ports()).containsExactly(PortConfig.parse("8080:80"), PortConfig.parse("9090:90"));
        assertThat(next.replicas()).isEqualTo(3);
        assertThat(next.args()).containsExactly("serve");
        assertThat(next.healthCheck()).isEqualTo(STORED.healthCheck());
        assertThat(next.taskTemplate()).isNotEqualTo(STORED.taskTemplate());
    }

    @Test
    void replicasAndRolloutSettingsLeaveTheTaskTemplateAlone() {
        ServiceUpdates n = with(update("5", null, null, null, null, null));
        ServiceUpdates u = new ServiceUpdates(n.image(), Optional.of(6), n.envAdd(), n.envRm(), n.publishAdd(),
                n.publishRm(), n.update(), n.rollback(), n.health(), false, Optional.empty());
        ServiceSpec next = u.applyTo(STORED);
        assertThat(next.replicas()).isEqualTo(6);
        assertThat(next.update().parallelism()).isEqualTo(5);
        assertThat(next.taskTemplate()).isEqualTo(STORED.taskTemplate());
    }

    @Test
    void replicasOfAGlobalServiceOrBelowZeroAreRefused() {
        ServiceUpdates n = ServiceUpdates.none();
        ServiceUpdates replicas = new ServiceUpdates(n.image(), Optional.of(2), n.envAdd(), n.envRm(), n.publishAdd(),
                n.publishRm(), n.update(), n.rollback(), n.health(), false, Optional.empty());
        ServiceSpec global = new ServiceSpec("agent:1", ServiceMode.GLOBAL, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
        assertThatThrownBy(() -> replicas.applyTo(global)).hasMessageContaining("replicated mode");
        ServiceUpdates negative = new ServiceUpdates(n.image(), Optional.of(-1), n.envAdd(), n.envRm(),
                n.publishAdd(), n.publishRm(), n.update(), n.rollback(), n.health(), false, Optional.empty());
        assertThatThrownBy(negative::validate).hasMessage("--replicas: must be >= 0, got -1");
    }

    @Test
    void healthTimingsAloneKeepTheStoredProbeAndNoHealthcheckRemovesIt() {
        ServiceUpdates n = ServiceUpdates.none();
        HealthFlags timings = new HealthFlags(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("2s"), Optional.empty(), Optional.of(7), Optional.empty());
        ServiceSpec next = new ServiceUpdates(n.image(), n.replicas(), n.envAdd(), n.envRm(), n.publishAdd(),
                n.publishRm(), n.update(), n.rollback(), timings, false, Optional.empty()).applyTo(STORED);
        assertThat(next.healthCheck().httpGet()).isEqualTo(STORED.healthCheck().httpGet());
        assertThat(next.healthCheck().interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(next.healthCheck().retries()).isEqualTo(7);
        assertThat(next.healthCheck().timeout()).isEqualTo(STORED.healthCheck().timeout());

        ServiceSpec none = new ServiceUpdates(n.image(), n.replicas(), n.envAdd(), n.envRm(), n.publishAdd(),
                n.publishRm(), n.update(), n.rollback(), HealthFlags.NONE, true, Optional.of(true)).applyTo(STORED);
        assertThat(none.healthCheck().isNone()).isTrue();
        assertThat(none.init()).isTrue();

        HealthFlags tcp = new HealthFlags(Optional.empty(), Optional.empty(), Optional.of("5432"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        ServiceSpec replaced = new ServiceUpdates(n.image(), n.replicas(), n.envAdd(), n.envRm(), n.publishAdd(),
                n.publishRm(), n.update(), n.rollback(), tcp, false, Optional.empty()).applyTo(STORED);
        assertThat(replaced.healthCheck().tcp()).contains(new HealthCheck.TcpProbe(5432));
        assertThat(replaced.healthCheck().httpGet()).isEmpty();

        assertThatThrownBy(() -> new ServiceUpdates(n.image(), n.replicas(), n.envAdd(), n.envRm(), n.publishAdd(),
                n.publishRm(), n.update(), n.rollback(), tcp, true, Optional.empty()).validate())
                .hasMessageContaining("--no-healthcheck");
    }

    @Test
    void badPortFlagsNameTheFlag() {
        ServiceUpdates n = ServiceUpdates.none();
        assertThatThrownBy(() -> new ServiceUpdates(n.image(), n.replicas(), n.envAdd(), n.envRm(), List.of("x:y"),
                n.publishRm(), n.update(), n.rollback(), n.health(), false, Optional.empty()).validate())
                .hasMessageStartingWith("--publish-add");
        assertThatThrownBy(() -> new ServiceUpdates(n.image(), n.replicas(), n.envAdd(), n.envRm(), n.publishAdd(),
                List.of("http"), n.update(), n.rollback(), n.health(), false, Optional.empty()).validate())
                .hasMessageStartingWith("--publish-rm \"http\"");
    }

    @Test
    void serviceRefAcceptsKubectlSpellings() {
        assertThat(ServiceRef.parse("service/whoami")).isEqualTo("whoami");
        assertThat(ServiceRef.parse("svc/whoami")).isEqualTo("whoami");
        assertThat(ServiceRef.parse("services/whoami")).isEqualTo("whoami");
        assertThat(ServiceRef.parse("whoami")).isEqualTo("whoami");
        assertThatThrownBy(() -> ServiceRef.parse("node/n1")).hasMessageContaining("services only");
        assertThatThrownBy(() -> ServiceRef.parse("service/")).hasMessageContaining("expected service/NAME");
    }
}
