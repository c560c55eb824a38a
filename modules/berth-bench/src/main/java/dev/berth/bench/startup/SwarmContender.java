package dev.berth.bench.startup;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskState;
import java.time.Duration;
import java.util.List;

/**
 * Docker Swarm on the benchmark's engine (which must be a swarm manager: {@code docker swarm init}):
 * one replicated service through the API, as {@code docker service create --detach} makes it, its
 * tasks polled until they run.
 *
 * <p>The service names the image by its id ({@code sha256:…}): Swarm's executor then skips the
 * registry pull it otherwise tries for every task (there is no registry here, and a failing pull
 * would send DNS queries off the machine).
 */
public final class SwarmContender implements Contender {

    private final DockerClient docker;
    private final String imageId;

    /** @param imageId the image's id, {@code sha256:…} */
    public SwarmContender(DockerClient docker, String imageId) {
        this.docker = docker;
        this.imageId = imageId;
    }

    @Override
    public String name() {
        return "swarm";
    }

    @Override
    public Timing start(String name, int replicas, Duration timeout) throws Exception {
        ServiceSpec spec = new ServiceSpec().withName(name)
                .withTaskTemplate(new TaskSpec().withContainerSpec(new ContainerSpec().withImage(imageId)))
                .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(replicas)));
        long t0 = System.nanoTime();
        docker.createServiceCmd(spec).exec();
        double created = Polls.since(t0);
        return Polls.untilRunning("swarm service " + name, t0, created, replicas, () -> (int) docker.listTasksCmd()
                .withServiceFilter(name).exec().stream()
                .filter(t -> t.getStatus() != null && t.getStatus().getState() == TaskState.RUNNING)
                .count(), timeout);
    }

    @Override
    public void remove(String name, Duration timeout) throws Exception {
        if (docker.listServicesCmd().withNameFilter(List.of(name)).exec().stream()
                .anyMatch(s -> s.getSpec() != null && name.equals(s.getSpec().getName()))) {
            docker.removeServiceCmd(name).exec();
        }
        Polls.untilNoContainers(docker, name, timeout);
    }
}
