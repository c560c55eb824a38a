package dev.berth.agent.worker;

import static dev.berth.agent.worker.Tasks.inState;
import static dev.berth.agent.worker.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.agent.executor.ContainerInfo;
import dev.berth.agent.executor.ContainerLabels;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdoptionTest {

    private static ContainerInfo container(String id, Task task, boolean running, int exit) {
        return new ContainerInfo(id, ContainerLabels.containerName(task), ContainerLabels.of(task), running, exit, "");
    }

    private static Map<String, Task> assigned(Task... tasks) {
        return java.util.Arrays.stream(tasks).collect(java.util.stream.Collectors.toMap(Task::id, t -> t));
    }

    @Test
    void adoptsOneRunningContainerPerLiveTaskAndRemovesDuplicates() {
        Task t = inState(task("t1", 1, "i"), TaskState.RUNNING);
        ContainerInfo stopped = container("a", t, false, 0);
        ContainerInfo run1 = container("b", t, true, -1);
        ContainerInfo run2 = container("c", t, true, -1);

        Adoption.Plan plan = Adoption.decide(assigned(t), List.of(stopped, run1, run2), Map.of());

        assertThat(plan.adopt()).containsOnlyKeys("t1");
        assertThat(plan.adopt().get("t1").running()).isTrue();
        assertThat(plan.remove()).hasSize(2).contains(stopped);
        assertThat(plan.finished()).isEmpty();
    }

    @Test
    void removesContainersOfTasksNotMeantToRun() {
        Task shutdown = Tasks.desired(inState(task("t1", 1, "i"), TaskState.RUNNING), TaskState.SHUTDOWN);
        Task done = inState(task("t2", 2, "i"), TaskState.COMPLETE);
        Task unknown = task("t3", 3, "i");
        List<ContainerInfo> all = List.of(container("a", shutdown, true, -1), container("b", done, false, 0),
                container("c", unknown, true, -1));

        Adoption.Plan plan = Adoption.decide(assigned(shutdown, done), all, Map.of());

        assertThat(plan.adopt()).isEmpty();
        assertThat(plan.finished()).isEmpty();
        assertThat(plan.remove()).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void reportsTheEndOfTasksThatStoppedUnwatchedButRemovesNeverStartedOnes() {
        Task ran = inState(task("t1", 1, "i"), TaskState.RUNNING);
        Task neverStarted = inState(task("t2", 2, "i"), TaskState.READY);
        ContainerInfo exited = container("a", ran, false, 137);
        ContainerInfo created = container("b", neverStarted, false, -1);

        Adoption.Plan plan = Adoption.decide(assigned(ran, neverStarted), List.of(exited, created), Map.of());

        assertThat(plan.finished()).containsExactly(Map.entry("t1", exited));
        assertThat(plan.remove()).containsExactly(created);
    }

    @Test
    void leavesContainersTheWorkerDrivesAlone() {
        Task t = inState(task("t1", 1, "i"), TaskState.RUNNING);
        Task beingCreated = task("t2", 2, "i");
        ContainerInfo own = container("a", t, true, -1);
        ContainerInfo other = container("b", t, true, -1);
        ContainerInfo creating = container("c", beingCreated, false, -1);

        Adoption.Plan plan = Adoption.decide(assigned(t, beingCreated), List.of(own, other, creating),
                Map.of("t1", Optional.of("a"), "t2", Optional.empty()));

        assertThat(plan.adopt()).isEmpty();
        assertThat(plan.remove()).containsExactly(other);
    }
}
