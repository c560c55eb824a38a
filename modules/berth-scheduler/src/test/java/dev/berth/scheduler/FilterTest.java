package dev.berth.scheduler;

import static dev.berth.scheduler.Fixtures.constraints;
import static dev.berth.scheduler.Fixtures.hostPort;
import static dev.berth.scheduler.Fixtures.info;
import static dev.berth.scheduler.Fixtures.ingressPort;
import static dev.berth.scheduler.Fixtures.maxPerNode;
import static dev.berth.scheduler.Fixtures.node;
import static dev.berth.scheduler.Fixtures.pinned;
import static dev.berth.scheduler.Fixtures.ports;
import static dev.berth.scheduler.Fixtures.reserve;
import static dev.berth.scheduler.Fixtures.task;
import static dev.berth.scheduler.Fixtures.template;
import static dev.berth.scheduler.Fixtures.withAvailability;
import static dev.berth.scheduler.Fixtures.withLabels;
import static dev.berth.scheduler.Fixtures.withResources;
import static dev.berth.scheduler.Fixtures.withState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.berth.api.Node;
import dev.berth.api.NodeAvailability;
import dev.berth.api.NodeRole;
import dev.berth.api.NodeState;
import dev.berth.api.PortConfig;
import dev.berth.api.Protocol;
import dev.berth.api.PublishMode;
import dev.berth.api.Task;
import dev.berth.api.TaskTemplate;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each filter against a table of tasks and nodes, and the words of its explanation. */
class FilterTest {

    private static final Node READY = node("n1");
    private static final TaskTemplate PLAIN = template();

    static Stream<Arguments> checks() {
        TaskTemplate mem1g = reserve(PLAIN, 0, "1Gi");
        TaskTemplate cpu2 = reserve(PLAIN, 2, "0");
        TaskTemplate zoneA = constraints(PLAIN, "node.labels.zone == a");
        TaskTemplate port80 = ports(PLAIN, hostPort(80));
        Node small = withResources(READY, 1, "1Gi");
        return Stream.of(
                // ReadyFilter
                arguments("ready node", new ReadyFilter(), task("t", "web", PLAIN), info(READY), true),
                arguments("down node", new ReadyFilter(), task("t", "web", PLAIN),
                        info(withState(READY, NodeState.DOWN)), false),
                arguments("disconnected node", new ReadyFilter(), task("t", "web", PLAIN),
                        info(withState(READY, NodeState.DISCONNECTED)), false),
                arguments("unknown node", new ReadyFilter(), task("t", "web", PLAIN),
                        info(withState(READY, NodeState.UNKNOWN)), false),
                // AvailabilityFilter
                arguments("active node", new AvailabilityFilter(), task("t", "web", PLAIN), info(READY), true),
                arguments("paused node", new AvailabilityFilter(), task("t", "web", PLAIN),
                        info(withAvailability(READY, NodeAvailability.PAUSE)), false),
                arguments("drained node", new AvailabilityFilter(), task("t", "web", PLAIN),
                        info(withAvailability(READY, NodeAvailability.DRAIN)), false),
                // ConstraintFilter
                arguments("label matches", new ConstraintFilter(), task("t", "web", zoneA),
                        info(withLabels(READY, Map.of("zone", "a"))), true),
                arguments("label differs", new ConstraintFilter(), task("t", "web", zoneA),
                        info(withLabels(READY, Map.of("zone", "b"))), false),
                arguments("label missing", new ConstraintFilter(), task("t", "web", zoneA), info(READY), false),
                arguments("!= with label missing", new ConstraintFilter(),
                        task("t", "web", constraints(PLAIN, "node.labels.zone != a")), info(READY), true),
                arguments("role != manager on a manager", new ConstraintFilter(),
                        task("t", "web", constraints(PLAIN, "node.role != manager")),
                        info(node("m1", NodeState.READY, NodeAvailability.ACTIVE, 4, "8Gi", Map.of(),
                                NodeRole.MANAGER)), false),
                arguments("node.id and node.hostname", new ConstraintFilter(),
                        task("t", "web", constraints(PLAIN, "node.id == n1", "node.hostname == host-n1")),
                        info(READY), true),
                arguments("all constraints must hold", new ConstraintFilter(),
                        task("t", "web", constraints(PLAIN, "node.id == n1", "node.labels.zone == a")),
                        info(READY), false),
                arguments("unparseable constraint fits nowhere", new ConstraintFilter(),
                        task("t", "web", constraints(PLAIN, "zone = a")), info(READY), false),
                // MemoryFilter
                arguments("memory fits exactly", new MemoryFilter(), task("t", "web", mem1g), info(small), true),
                arguments("memory taken by a task", new MemoryFilter(), task("t", "web", mem1g),
                        info(small, pinned("other", "db", reserve(PLAIN, 0, "1Mi"), "n1")), false),
                arguments("node offers less memory", new MemoryFilter(), task("t", "web", reserve(PLAIN, 0, "2Gi")),
                        info(small), false),
                // CpuFilter
                arguments("cpu fits", new CpuFilter(), task("t", "web", cpu2), info(READY), true),
                arguments("cpu short", new CpuFilter(), task("t", "web", cpu2), info(small), false),
                arguments("fractional cpus add up exactly", new CpuFilter(),
                        task("t", "web", reserve(PLAIN, 0.3, "0")),
                        info(withResources(READY, 0.6, "1Gi"), pinned("a", "db", reserve(PLAIN, 0.1, "0"), "n1"),
                                pinned("b", "db", reserve(PLAIN, 0.2, "0"), "n1")), true),
                // MaxReplicasFilter
                arguments("below the max", new MaxReplicasFilter(), task("t", "web", maxPerNode(PLAIN, 2)),
                        info(READY, pinned("w1", "web", PLAIN, "n1")), true),
                arguments("at the max", new MaxReplicasFilter(), task("t", "web", maxPerNode(PLAIN, 2)),
                        info(READY, pinned("w1", "web", PLAIN, "n1"), pinned("w2", "web", PLAIN, "n1")), false),
                arguments("other services do not count", new MaxReplicasFilter(),
                        task("t", "web", maxPerNode(PLAIN, 1)), info(READY, pinned("d1", "db", PLAIN, "n1")), true),
                // HostPortFilter
                arguments("port free", new HostPortFilter(), task("t", "web", port80), info(READY), true),
                arguments("port used in host mode", new HostPortFilter(), task("t", "web", port80),
                        info(READY, pinned("o", "other", port80, "n1")), false),
                arguments("same number, other protocol", new HostPortFilter(), task("t", "web", port80),
                        info(READY, pinned("o", "other",
                                ports(PLAIN, new PortConfig(80, 80, Protocol.UDP, PublishMode.HOST)), "n1")), true),
                arguments("ingress ports do not bind the node", new HostPortFilter(), task("t", "web", port80),
                        info(READY, pinned("o", "other", ports(PLAIN, ingressPort(80)), "n1")), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checks")
    void check(String name, Filter filter, Task task, NodeInfo node, boolean fits) {
        assertThat(filter.enabled(task)).as("enabled").isTrue();
        assertThat(filter.check(task, node)).isEqualTo(fits);
    }

    /** A filter shown by its class name in test names. */
    private static Named<Filter> named(Filter filter) {
        return Named.of(filter.getClass().getSimpleName(), filter);
    }

    static Stream<Arguments> enabling() {
        return Stream.of(
                arguments(named(new ReadyFilter()), PLAIN, true),
                arguments(named(new AvailabilityFilter()), PLAIN, true),
                arguments(named(new ConstraintFilter()), PLAIN, false),
                arguments(named(new ConstraintFilter()), constraints(PLAIN, "node.role == worker"), true),
                arguments(named(new MemoryFilter()), reserve(PLAIN, 1, "0"), false),
                arguments(named(new MemoryFilter()), reserve(PLAIN, 0, "1Mi"), true),
                arguments(named(new CpuFilter()), reserve(PLAIN, 0, "1Mi"), false),
                arguments(named(new CpuFilter()), reserve(PLAIN, 0.5, "0"), true),
                arguments(named(new MaxReplicasFilter()), PLAIN, false),
                arguments(named(new MaxReplicasFilter()), maxPerNode(PLAIN, 1), true),
                arguments(named(new HostPortFilter()), ports(PLAIN, ingressPort(80)), false),
                arguments(named(new HostPortFilter()), ports(PLAIN, new PortConfig(0, 80, null, PublishMode.HOST)), false),
                arguments(named(new HostPortFilter()), ports(PLAIN, hostPort(80)), true));
    }

    @ParameterizedTest(name = "{0} enabled for {1}: {2}")
    @MethodSource("enabling")
    void enabledOnlyWhenTheTaskAsksForIt(Filter filter, TaskTemplate template, boolean enabled) {
        assertThat(filter.enabled(task("t", "web", template))).isEqualTo(enabled);
    }

    static Stream<Arguments> explanations() {
        return Stream.of(
                arguments(named(new ReadyFilter()), 1, "1 node not ready"),
                arguments(named(new ReadyFilter()), 2, "2 nodes not ready"),
                arguments(named(new AvailabilityFilter()), 1, "1 node not available for new tasks"),
                arguments(named(new AvailabilityFilter()), 3, "3 nodes not available for new tasks"),
                arguments(named(new ConstraintFilter()), 1, "scheduling constraints not satisfied on 1 node"),
                arguments(named(new ConstraintFilter()), 4, "scheduling constraints not satisfied on 4 nodes"),
                arguments(named(new MemoryFilter()), 1, "1 node insufficient memory"),
                arguments(named(new MemoryFilter()), 2, "2 nodes insufficient memory"),
                arguments(named(new CpuFilter()), 1, "1 node insufficient CPU"),
                arguments(named(new CpuFilter()), 5, "5 nodes insufficient CPU"),
                arguments(named(new MaxReplicasFilter()), 1, "max replicas per node limit exceed"),
                arguments(named(new MaxReplicasFilter()), 7, "max replicas per node limit exceed"),
                arguments(named(new HostPortFilter()), 1, "host-mode port already in use on 1 node"),
                arguments(named(new HostPortFilter()), 2, "host-mode port already in use on 2 nodes"));
    }

    @ParameterizedTest(name = "{0} on {1}: {2}")
    @MethodSource("explanations")
    void explainsInSwarmsWords(Filter filter, int nodes, String phrase) {
        assertThat(filter.explain(nodes)).isEqualTo(phrase);
    }
}
