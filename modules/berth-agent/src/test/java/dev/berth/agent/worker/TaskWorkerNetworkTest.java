package dev.berth.agent.worker;

import static dev.berth.agent.worker.Tasks.inState;
import static dev.berth.agent.worker.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.agent.RunningTask;
import dev.berth.agent.executor.NetworkAttachment;
import dev.berth.agent.network.ContainerAddresses;
import dev.berth.agent.network.ContainerNetwork;
import dev.berth.api.Cidr;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.session.SessionMessage.Assignments;
import dev.berth.api.session.SessionMessage.TaskStatusUpdate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker on the cluster network: held tasks, addresses in the node's subnet, reported addresses. */
class TaskWorkerNetworkTest {

    private static final ContainerNetwork.Ready READY = new ContainerNetwork.Ready("berth",
            Cidr.parse("10.42.3.0/24"), "10.42.3.1", "berth0");

    private final FakeExecutor engine = new FakeExecutor();
    private final List<TaskStatusUpdate> updates = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Map<String, RunningTask>> runningTasks = new AtomicReference<>(Map.of());
    private final ContainerAddresses addresses = new ContainerAddresses();
    private TaskWorker worker;

    @BeforeEach
    void startWorker() {
        worker = new TaskWorker(engine, updates::add, runningTasks::set,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), new DirectExecutorService())
                .withClusterNetwork(addresses).start();
    }

    @AfterEach
    void closeWorker() {
        worker.close();
    }

    private List<TaskStatusUpdate> of(String taskId) {
        synchronized (updates) {
            return updates.stream().filter(u -> u.taskId().equals(taskId)).toList();
        }
    }

    private void assign(Task... tasks) {
        worker.onAssignments(new Assignments(false, List.of(tasks), List.of()));
    }

    @Test
    void tasksWaitForTheNodesNetworkThenRunAtTheLowestFreeAddresses() {
        assign(task("t1", 1, "img:1"), task("t2", 2, "img:1"));

        assertThat(updates).as("held, not failed").isEmpty();
        assertThat(engine.calls).isEmpty();

        worker.networkReady(READY);

        assertThat(engine.attachments).containsEntry("c-t1",
                new NetworkAttachment("berth", "berth0", "10.42.3.2", 24, "10.42.3.1", List.of("10.42.3.1")));
        assertThat(engine.attachments.get("c-t2").address()).isEqualTo("10.42.3.3");
        // the address is reported from STARTING on
        for (TaskStatusUpdate u : of("t1")) {
            String expected = u.state().ordinal() >= TaskState.STARTING.ordinal() ? "10.42.3.2" : "";
            assertThat(u.address()).as(u.state().toString()).isEqualTo(expected);
        }
        assertThat(of("t1")).extracting(TaskStatusUpdate::state).endsWith(TaskState.STARTING, TaskState.RUNNING);
        assertThat(runningTasks.get().get("t2").containerIp()).isEqualTo("10.42.3.3");
    }

    @Test
    void aRemovedContainersAddressIsGivenToTheNextTask() {
        worker.networkReady(READY);
        assign(task("t1", 1, "img:1"), task("t2", 2, "img:1"));
        worker.onAssignments(new Assignments(false, List.of(), List.of("t1")));

        assertThat(engine.calls).contains("remove c-t1");
        assertThat(addresses.held()).containsOnlyKeys("t2");

        assign(task("t3", 3, "img:1"));
        assertThat(engine.attachments.get("c-t3").address()).isEqualTo("10.42.3.2");
    }

    @Test
    void adoptedContainersKeepAndReportTheirAddresses() {
        Task adopted = inState(task("t1", 1, "img:1"), TaskState.RUNNING);
        engine.existing("old-1", adopted, true, -1, "10.42.3.2");

        worker.onAssignments(new Assignments(true, List.of(adopted, task("t2", 2, "img:1")), List.of()));
        worker.networkReady(READY);

        assertThat(of("t1")).last().satisfies(u -> {
            assertThat(u.state()).isEqualTo(TaskState.RUNNING);
            assertThat(u.address()).isEqualTo("10.42.3.2");
        });
        assertThat(engine.attachments.get("c-t2").address()).isEqualTo("10.42.3.3");
    }

    @Test
    void aFullSubnetFailsTheTask() {
        worker.networkReady(new ContainerNetwork.Ready("berth", Cidr.parse("10.42.3.0/30"), "10.42.3.1", "berth0"));
        assign(task("t1", 1, "img:1"), task("t2", 2, "img:1"));

        assertThat(of("t2")).last().satisfies(u -> {
            assertThat(u.state()).isEqualTo(TaskState.FAILED);
            assertThat(u.error()).contains("no free address").contains("10.42.3.0/30");
        });
        assertThat(engine.calls).doesNotContain("prepare t2");
    }

    @Test
    void anAddressHeldByAnUnknownContainerIsSkipped() {
        // e.g. a container another cluster left on the node's network
        engine.addressesInUse.add("10.42.3.2");
        worker.networkReady(READY);
        assign(task("t1", 1, "img:1"), task("t2", 2, "img:1"));

        assertThat(of("t1")).last().satisfies(u -> {
            assertThat(u.state()).isEqualTo(TaskState.RUNNING);
            assertThat(u.address()).isEqualTo("10.42.3.3");
        });
        assertThat(of("t2")).last().extracting(TaskStatusUpdate::address).isEqualTo("10.42.3.4");
        assertThat(engine.calls).contains("remove c-t1");
        assertThat(addresses.held()).containsEntry("t1", "10.42.3.3").containsValue("10.42.3.2");
    }
}
