package dev.berth.bench.rollout;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.ServiceUpdateState;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskState;
import com.github.dockerjava.api.model.UpdateConfig;
import com.github.dockerjava.api.model.UpdateFailureAction;
import com.github.dockerjava.api.model.UpdateOrder;
import dev.berth.bench.startup.Polls;
import dev.berth.bench.startup.SwarmContender;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Docker Swarm on the benchmark's engine (a swarm manager: the script runs {@code docker swarm
 * init}): one replicated service created through the API as {@code docker service create --detach
 * --init --replicas N --update-parallelism P --update-delay 0s --update-monitor M} makes it, then
 * updated to the new image as {@code docker service update --detach --image} does. Polled: the
 * service's {@code UpdateStatus.State} until {@code completed}, and its tasks whose desired state
 * is running until all run the new image.
 *
 * <p>Images are named by their ids ({@code sha256:…}), as in the start-up benchmark: Swarm's
 * executor then skips the registry pull it otherwise tries for every task.
 */
public final class SwarmRollout implements Rollout {

    private final DockerClient docker;

    public SwarmRollout(DockerClient docker) {
        this.docker = docker;
    }

    @Override
    public String name() {
        return "swarm";
    }

    /** The service's spec running {@code imageId}: the same but for the image before and after the update. */
    static ServiceSpec spec(String name, RolloutPlan plan, String imageId) {
        return new ServiceSpec().withName(name)
                .withTaskTemplate(new TaskSpec().withContainerSpec(new ContainerSpec().withImage(imageId)
                        .withInit(plan.init())))
                .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions()
                        .withReplicas(plan.replicas())))
                .withUpdateConfig(new UpdateConfig().withParallelism((long) plan.parallelism()).withDelay(0L)
                        .withMonitor(monitor(plan.monitor()).toNanos()).withFailureAction(UpdateFailureAction.PAUSE)
                        .withMaxFailureRatio(0f).withOrder(UpdateOrder.STOP_FIRST));
    }

    /**
     * The monitor Swarm is given: Swarm takes a monitor of 0 for an unset one and waits its 5s
     * default at the end of the rollout, so 0 becomes 1ns, the shortest it honours.
     */
    static Duration monitor(Duration monitor) {
        return monitor.isZero() ? Duration.ofNanos(1) : monitor;
    }

    @Override
    public RolloutTiming run(String name, RolloutPlan plan, Duration timeout) throws Exception {
        String oldId = docker.inspectImageCmd(plan.oldImage()).exec().getId();
        String newId = docker.inspectImageCmd(plan.newImage()).exec().getId();
        if (oldId.equals(newId)) {
            throw new IllegalArgumentException(plan.oldImage() + " and " + plan.newImage()
                    + " are the same image (" + oldId + "): Swarm, given ids, would have nothing to update");
        }
        long t0 = System.nanoTime();
        String id = docker.createServiceCmd(spec(name, plan, oldId)).exec().getId();
        Polls.untilRunning("swarm service " + name, t0, 0, plan.replicas(), () -> running(name, Optional.empty()),
                timeout);
        double deployed = Polls.since(t0);

        long version = inspect(id).getVersion().getIndex();
        long t1 = System.nanoTime();
        docker.updateServiceCmd(id, spec(name, plan, newId)).withVersion(version).exec();
        double allUpdated = -1;
        while (true) {
            ServiceUpdateState state = Optional.ofNullable(inspect(id).getUpdateStatus())
                    .map(s -> s.getState()).orElse(ServiceUpdateState.UNKNOWN);
            if (allUpdated < 0 && running(name, Optional.of(newId)) >= plan.replicas()) {
                allUpdated = Polls.since(t1);
            }
            if (state == ServiceUpdateState.COMPLETED && allUpdated >= 0) {
                return new RolloutTiming(deployed, allUpdated, Polls.since(t1));
            }
            if (state == ServiceUpdateState.PAUSED || state == ServiceUpdateState.ROLLBACK_STARTED
                    || state == ServiceUpdateState.ROLLBACK_PAUSED || state == ServiceUpdateState.ROLLBACK_COMPLETED) {
                throw new IllegalStateException("swarm service " + name + ": update " + state + ": "
                        + inspect(id).getUpdateStatus().getMessage());
            }
            if (Polls.since(t1) > timeout.toSeconds()) {
                throw new TimeoutException("swarm service " + name + ": update " + state + " after "
                        + timeout.toSeconds() + "s");
            }
            Thread.sleep(Polls.INTERVAL.toMillis());
        }
    }

    private Service inspect(String id) {
        return docker.inspectServiceCmd(id).exec();
    }

    /** Tasks meant to run ({@code desired-state=running}) that run, of {@code image} when given. */
    private int running(String name, Optional<String> image) {
        List<Task> tasks = docker.listTasksCmd().withServiceFilter(name).exec();
        return (int) tasks.stream()
                .filter(t -> t.getDesiredState() == TaskState.RUNNING)
                .filter(t -> t.getStatus() != null && t.getStatus().getState() == TaskState.RUNNING)
                .filter(t -> image.isEmpty() || image.get().equals(image(t)))
                .count();
    }

    private static String image(Task t) {
        return t.getSpec() == null || t.getSpec().getContainerSpec() == null ? ""
                : t.getSpec().getContainerSpec().getImage();
    }

    @Override
    public void remove(String name, Duration timeout) throws Exception {
        new SwarmContender(docker, "unused").remove(name, timeout); // removal goes by the service's name
    }
}
