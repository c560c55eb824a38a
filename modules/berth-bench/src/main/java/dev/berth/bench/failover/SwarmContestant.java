package dev.berth.bench.failover;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeState;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Docker Swarm on the lab, through the manager engine's API (node 1): nodes as {@code docker node ls}
 * shows them (their {@code Status.Addr} names the lab node), tasks as {@code docker service ps}. A
 * task counts as a replica while its desired state is RUNNING: Swarm leaves the last reported state
 * of a lost node's tasks at running and only moves their desired state to shutdown.
 *
 * <p>The service names the image by its id ({@code sha256:…}), the same on every lab engine (the
 * script loads node 1's image into the others): Swarm's executor then skips the registry pull it
 * otherwise tries for every task, and there is no registry in the lab.
 */
public final class SwarmContestant implements Contestant {

    private final DockerClient manager;
    private final String imageId;

    /**
     * @param manager a client of node 1's engine, the swarm manager
     * @param imageId the image's id, {@code sha256:…}, the same on every engine
     */
    public SwarmContestant(DockerClient manager, String imageId) {
        this.manager = manager;
        this.imageId = imageId;
    }

    @Override
    public String name() {
        return "swarm";
    }

    @Override
    public void createService(String service, int replicas) {
        manager.createServiceCmd(new ServiceSpec().withName(service)
                .withTaskTemplate(new TaskSpec().withContainerSpec(new ContainerSpec().withImage(imageId)))
                .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(replicas))))
                .exec();
    }

    @Override
    public void removeService(String service) {
        if (manager.listServicesCmd().withNameFilter(List.of(service)).exec().stream()
                .anyMatch(s -> s.getSpec() != null && service.equals(s.getSpec().getName()))) {
            manager.removeServiceCmd(service).exec();
        }
    }

    @Override
    public ClusterView view(String service) {
        Map<String, Integer> indexById = new HashMap<>();
        Map<Integer, ClusterView.NodeCondition> nodes = new HashMap<>();
        for (SwarmNode n : manager.listSwarmNodesCmd().exec()) {
            int index = n.getStatus() == null ? 0 : Contestant.labIndex(n.getStatus().getAddress());
            indexById.put(n.getId(), index);
            if (index > 0) {
                SwarmNodeState s = n.getStatus().getState();
                nodes.put(index, s == SwarmNodeState.READY ? ClusterView.NodeCondition.READY
                        : s == SwarmNodeState.DOWN ? ClusterView.NodeCondition.DOWN : ClusterView.NodeCondition.OTHER);
            }
        }
        List<ClusterView.TaskView> tasks = new ArrayList<>();
        for (com.github.dockerjava.api.model.Task t : tasks(service)) {
            boolean running = t.getStatus() != null && t.getStatus().getState() == TaskState.RUNNING;
            tasks.add(new ClusterView.TaskView(indexById.getOrDefault(t.getNodeId(), 0),
                    t.getDesiredState() == TaskState.RUNNING, running));
        }
        return new ClusterView(nodes, tasks);
    }

    /** The service's tasks; none while it does not exist (the engine answers 404 to the filter then). */
    private List<com.github.dockerjava.api.model.Task> tasks(String service) {
        try {
            return manager.listTasksCmd().withServiceFilter(service).exec();
        } catch (NotFoundException e) {
            return List.of();
        }
    }
}
