package dev.berth.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.TaskState;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusBufferTest {

    private static TaskStatusUpdate u(String task, TaskState state) {
        return new TaskStatusUpdate(task, state, state.display(), "", "", -1, Instant.EPOCH);
    }

    @Test
    void batchesAreSentOldestFirstAndAtMostTheBatchSize() {
        StatusBuffer buffer = new StatusBuffer(3);
        assertThat(buffer.add(u("a", TaskState.ACCEPTED))).isFalse();
        assertThat(buffer.add(u("a", TaskState.PREPARING))).isFalse();
        assertThat(buffer.add(u("b", TaskState.ACCEPTED))).as("a full batch waits").isTrue();
        buffer.add(u("a", TaskState.RUNNING));
        assertThat(buffer.nextBatch()).containsExactly(u("a", TaskState.ACCEPTED), u("a", TaskState.PREPARING),
                u("b", TaskState.ACCEPTED));
        assertThat(buffer.nextBatch()).containsExactly(u("a", TaskState.RUNNING));
        assertThat(buffer.hasPending()).isFalse();
        assertThat(buffer.nextBatch()).isEmpty();
    }

    @Test
    void afterAReconnectTheNewestUpdateOfEveryTaskIsSentAgain() {
        StatusBuffer buffer = new StatusBuffer(100);
        buffer.add(u("a", TaskState.STARTING));
        buffer.add(u("b", TaskState.RUNNING));
        buffer.nextBatch(); // written to a socket that then died
        buffer.add(u("a", TaskState.RUNNING)); // while disconnected
        buffer.add(u("c", TaskState.ACCEPTED));
        buffer.add(u("c", TaskState.FAILED));
        buffer.reconnected();
        assertThat(buffer.nextBatch()).containsExactlyInAnyOrder(u("a", TaskState.RUNNING),
                u("b", TaskState.RUNNING), u("c", TaskState.FAILED));
    }

    @Test
    void tasksTheManagerNoLongerAssignsAreForgotten() {
        StatusBuffer buffer = new StatusBuffer(100);
        buffer.add(u("a", TaskState.RUNNING));
        buffer.add(u("b", TaskState.RUNNING));
        buffer.add(u("c", TaskState.COMPLETE));
        buffer.nextBatch();
        buffer.forget(List.of("c"));
        assertThat(buffer.remembered()).isEqualTo(2);
        buffer.retainOnly(Set.of("a"));
        buffer.reconnected();
        assertThat(buffer.nextBatch()).containsExactly(u("a", TaskState.RUNNING));
    }

    @Test
    void anUpdateNotYetSentSurvivesAFullSet() {
        StatusBuffer buffer = new StatusBuffer(100);
        buffer.add(u("x", TaskState.FAILED));
        buffer.retainOnly(Set.of());
        assertThat(buffer.remembered()).isEqualTo(1);
        assertThat(buffer.nextBatch()).containsExactly(u("x", TaskState.FAILED));
    }
}
