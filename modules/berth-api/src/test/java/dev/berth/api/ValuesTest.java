package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValuesTest {

    @ParameterizedTest
    @CsvSource({"5s,5000", "100ms,100", "1m30s,90000", "2h,7200000", "0s,0", "0,0", "1.5s,1500"})
    void parsesGoDurations(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource({"5000,5s", "100,100ms", "90000,1m30s", "7200000,2h", "0,0s", "1500,1.5s", "3723000,1h2m3s"})
    void formatsLikeGo(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void rejectsNonDurations() {
        for (String bad : new String[] {"", "5", "s", "5 s", "-5s", "5x", "5s3"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @CsvSource({"64Mi,67108864,64Mi", "1Gi,1073741824,1Gi", "500M,500000000,500000000", "1024,1024,1Ki", "7,7,7",
        "1536Ki,1572864,1536Ki"})
    void parsesAndFormatsSizes(String text, long bytes, String canonical) {
        assertThat(ByteSize.parse(text).bytes()).isEqualTo(bytes);
        assertThat(ByteSize.parse(text).toString()).isEqualTo(canonical);
    }

    @Test
    void rejectsNonSizes() {
        for (String bad : new String[] {"", "Mi", "-1", "1.5Gi", "64MB", "99999999999999999999"}) {
            assertThatThrownBy(() -> ByteSize.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void taskStatesNeverGoBack() {
        assertThat(TaskState.NEW.canMoveTo(TaskState.ASSIGNED)).isTrue();
        assertThat(TaskState.ASSIGNED.canMoveTo(TaskState.RUNNING)).isTrue();
        assertThat(TaskState.RUNNING.canMoveTo(TaskState.FAILED)).isTrue();
        assertThat(TaskState.RUNNING.canMoveTo(TaskState.ASSIGNED)).isFalse();
        assertThat(TaskState.ASSIGNED.canMoveTo(TaskState.PENDING)).isFalse();
        assertThat(TaskState.COMPLETE.canMoveTo(TaskState.FAILED)).isFalse();
        assertThat(TaskState.FAILED.canMoveTo(TaskState.REMOVE)).isTrue();
        assertThat(TaskState.RUNNING.canMoveTo(TaskState.RUNNING)).isTrue();
        for (TaskState from : TaskState.values()) {
            for (TaskState to : TaskState.values()) {
                if (to.ordinal() < from.ordinal()) {
                    assertThat(from.canMoveTo(to)).as(from + " -> " + to).isFalse();
                }
            }
        }
        TaskStatus running = TaskStatus.of(TaskState.RUNNING, "started", java.time.Instant.EPOCH);
        assertThatThrownBy(() -> running.movedTo(TaskState.PENDING, "", "", java.time.Instant.EPOCH))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("task state cannot go from RUNNING to PENDING");
    }

    @Test
    void parsesPortsLikeDocker() {
        assertThat(PortConfig.parse("8080:80")).isEqualTo(new PortConfig(8080, 80, Protocol.TCP, PublishMode.INGRESS));
        assertThat(PortConfig.parse("53:53/udp").protocol()).isEqualTo(Protocol.UDP);
        assertThat(PortConfig.parse("80").published()).isZero();
        assertThat(PortConfig.parse("4567:4567").display()).isEqualTo("*:4567->4567/tcp");
        assertThatThrownBy(() -> PortConfig.parse("a:b")).hasMessageContaining("expected PUBLISHED:TARGET");
        assertThatThrownBy(() -> PortConfig.parse("1:2/sctp")).hasMessageContaining("protocol must be tcp or udp");
    }

    @Test
    void constraintsMatchNodeAttributes() {
        Node node = Node.of(ObjectMeta.named("n1").withLabels(java.util.Map.of("zone", "a")),
                new NodeSpec(NodeRole.MANAGER, NodeAvailability.ACTIVE),
                new NodeStatus(NodeState.READY, "", "host-1", "10.0.0.1", null, "", null));
        assertThat(Constraint.parse("node.labels.zone == a").matches(node)).isTrue();
        assertThat(Constraint.parse("node.labels.zone != a").matches(node)).isFalse();
        assertThat(Constraint.parse("node.labels.rack == 1").matches(node)).isFalse();
        assertThat(Constraint.parse("node.labels.rack != 1").matches(node)).isTrue();
        assertThat(Constraint.parse("node.role != manager").matches(node)).isFalse();
        assertThat(Constraint.parse("node.hostname==host-1").matches(node)).isTrue();
        assertThat(Constraint.parse("node.id == n1").matches(node)).isTrue();
        assertThatThrownBy(() -> Constraint.parse("node.zone == a")).hasMessageContaining("unknown attribute");
        assertThatThrownBy(() -> Constraint.parse("zone = a")).hasMessageContaining("expected");
    }

    @Test
    void kindsParseFromWhatPeopleType() {
        assertThat(Kind.parse("svc")).contains(Kind.SERVICE);
        assertThat(Kind.parse("Services")).contains(Kind.SERVICE);
        assertThat(Kind.parse("node")).contains(Kind.NODE);
        assertThat(Kind.parse("tasks")).contains(Kind.TASK);
        assertThat(Kind.parse("pods")).isEmpty();
    }
}
