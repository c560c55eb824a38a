package dev.berth.controllers.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.Cidr;
import dev.berth.api.EndpointAddress;
import dev.berth.api.EndpointMode;
import dev.berth.api.Endpoints;
import dev.berth.api.ObjectMeta;
import dev.berth.api.PortConfig;
import dev.berth.api.Protocol;
import dev.berth.api.PublishMode;
import dev.berth.api.Service;
import dev.berth.api.ServiceSpec;
import dev.berth.api.Task;
import dev.berth.api.TaskState;
import dev.berth.api.TaskStatus;
import dev.berth.controllers.Fixtures;
import dev.berth.controllers.network.EndpointsPlanner.Change;
import dev.berth.controllers.network.EndpointsPlanner.Plan;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EndpointsPlannerTest {

    private static final Cidr SERVICES = Cidr.parse("10.43.0.0/16");
    private static final List<PortConfig> PORTS = List.of(
            new PortConfig(8080, 80, Protocol.TCP, PublishMode.INGRESS), new PortConfig(0, 53, Protocol.UDP, null));

    private static Service service(String name, EndpointMode mode) {
        ServiceSpec base = ServiceSpec.ofImage("example/whoami:1");
        return Fixtures.service(name, new ServiceSpec(base.image(), null, 2, null, null, null, PORTS, null, null,
                null, null, null, mode, null, null));
    }

    private static final Service WEB = service("web", EndpointMode.VIP);

    /** A task of {@code svc} in {@code state} (desired RUNNING) with {@code address}. */
    private static Task task(Service svc, String id, String node, TaskState desired, TaskState state, String address) {
        Task t = Fixtures.task(svc, id, 1, node, desired, state, 0);
        TaskStatus s = t.status();
        return t.withStatus(new TaskStatus(s.state(), s.message(), s.error(), s.timestamp(), "c-" + id, address));
    }

    private static Task running(Service svc, String id, String node, String address) {
        return task(svc, id, node, TaskState.RUNNING, TaskState.RUNNING, address);
    }

    private static Endpoints stored(String name, String vip, EndpointMode mode, List<EndpointAddress> addresses) {
        return Endpoints.of(ObjectMeta.named(name).created("uid-ep", Fixtures.T0).withResourceVersion(42), vip, mode,
                PORTS, addresses);
    }

    private static Plan plan(Service svc, List<Task> tasks, Optional<Endpoints> current, String... taken) {
        return EndpointsPlanner.plan(svc.name(), Optional.of(svc), tasks, current, SERVICES, List.of(taken));
    }

    @Test
    void aNewServiceGetsTheLowestFreeVipItsPortsAndItsRunningTasksOrderedById() {
        List<Task> tasks = List.of(
                running(WEB, "t3", "n2", "10.42.1.2"),
                running(WEB, "t1", "n1", "10.42.0.2"),
                running(WEB, "t2", "n1", "10.42.0.3"));
        Plan plan = plan(WEB, tasks, Optional.empty(), "10.43.0.2", "10.43.0.4");

        assertThat(plan.change()).isEqualTo(Change.CREATE);
        assertThat(plan.vipExhausted()).isFalse();
        Endpoints e = plan.endpoints().orElseThrow();
        assertThat(e.name()).isEqualTo("web");
        assertThat(e.virtualIp()).isEqualTo("10.43.0.3");
        assertThat(e.mode()).isEqualTo(EndpointMode.VIP);
        assertThat(e.ports()).isEqualTo(PORTS);
        assertThat(e.addresses()).containsExactly(
                new EndpointAddress("10.42.0.2", "t1", "n1", true),
                new EndpointAddress("10.42.0.3", "t2", "n1", true),
                new EndpointAddress("10.42.1.2", "t3", "n2", true));
    }

    @Test
    void onlyTasksThatShouldRunDoRunAndHaveAnAddressAreAddresses() {
        Service old = Fixtures.service("web", WEB.spec()).withMetadata(
                ObjectMeta.named("web").created("uid-old-web", Fixtures.T0));
        List<Task> tasks = List.of(
                running(WEB, "ok", "n1", "10.42.0.2"),
                task(WEB, "stopping", "n1", TaskState.SHUTDOWN, TaskState.RUNNING, "10.42.0.3"),
                task(WEB, "starting", "n1", TaskState.RUNNING, TaskState.STARTING, "10.42.0.4"),
                task(WEB, "failed", "n1", TaskState.RUNNING, TaskState.FAILED, "10.42.0.5"),
                running(WEB, "no-address", "n1", ""),
                running(old, "old-incarnation", "n1", "10.42.0.6"),
                running(service("other", EndpointMode.VIP), "other-service", "n1", "10.42.0.7"));

        assertThat(EndpointsPlanner.addresses(WEB, tasks)).extracting(EndpointAddress::taskId).containsExactly("ok");
    }

    @Test
    void tasksWithAHealthCheckAreReadyOnlyWhenHealthy() {
        List<Task> tasks = new java.util.ArrayList<>();
        String[] healths = {"", "starting", "healthy", "unhealthy"};
        for (int i = 0; i < healths.length; i++) {
            Task t = running(WEB, "t" + i, "n1", "10.42.0." + (2 + i));
            TaskStatus s = t.status();
            tasks.add(t.withStatus(new TaskStatus(s.state(), s.message(), s.error(), s.timestamp(), s.containerId(),
                    s.address(), healths[i])));
        }

        // listed (they run), but only those without a check or healthy get traffic
        assertThat(EndpointsPlanner.addresses(WEB, tasks)).extracting(EndpointAddress::taskId, EndpointAddress::ready)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("t0", true),
                        org.assertj.core.groups.Tuple.tuple("t1", false),
                        org.assertj.core.groups.Tuple.tuple("t2", true),
                        org.assertj.core.groups.Tuple.tuple("t3", false));
    }

    @Test
    void dnsrrServicesGetNoVirtualIp() {
        Service rr = service("rr", EndpointMode.DNSRR);
        Plan plan = plan(rr, List.of(running(rr, "t1", "n1", "10.42.0.2")), Optional.empty());

        assertThat(plan.change()).isEqualTo(Change.CREATE);
        Endpoints e = plan.endpoints().orElseThrow();
        assertThat(e.virtualIp()).isEmpty();
        assertThat(e.mode()).isEqualTo(EndpointMode.DNSRR);
        assertThat(e.addresses()).extracting(EndpointAddress::ip).containsExactly("10.42.0.2");
        assertThat(EndpointsPlanner.needsNewVirtualIp(rr, Optional.empty(), SERVICES)).isFalse();
    }

    @Test
    void aStoredVipIsKeptEvenWhenALowerOneIsFree() {
        Endpoints current = stored("web", "10.43.0.9", EndpointMode.VIP, List.of());
        Plan plan = plan(WEB, List.of(running(WEB, "t1", "n1", "10.42.0.2")), Optional.of(current));

        assertThat(EndpointsPlanner.needsNewVirtualIp(WEB, Optional.of(current), SERVICES)).isFalse();
        assertThat(plan.change()).isEqualTo(Change.UPDATE);
        Endpoints e = plan.endpoints().orElseThrow();
        assertThat(e.virtualIp()).isEqualTo("10.43.0.9");
        // the update is a CAS on the stored object's version
        assertThat(e.metadata()).isEqualTo(current.metadata());
        assertThat(e.addresses()).extracting(EndpointAddress::taskId).containsExactly("t1");
    }

    @Test
    void aStoredVipOutsideTheServiceRangeIsReplaced() {
        Endpoints current = stored("web", "10.99.0.7", EndpointMode.VIP, List.of());
        assertThat(EndpointsPlanner.needsNewVirtualIp(WEB, Optional.of(current), SERVICES)).isTrue();
        Plan plan = plan(WEB, List.of(), Optional.of(current), "10.43.0.2");

        assertThat(plan.change()).isEqualTo(Change.UPDATE);
        assertThat(plan.endpoints().orElseThrow().virtualIp()).isEqualTo("10.43.0.3");
    }

    @Test
    void nothingIsWrittenWhenTheStoredObjectIsAlreadyRight() {
        Endpoints current = stored("web", "10.43.0.2", EndpointMode.VIP,
                List.of(new EndpointAddress("10.42.0.2", "t1", "n1", true)));
        Plan plan = plan(WEB, List.of(running(WEB, "t1", "n1", "10.42.0.2"),
                task(WEB, "t2", "n1", TaskState.RUNNING, TaskState.STARTING, "10.42.0.3")), Optional.of(current));

        assertThat(plan.change()).isEqualTo(Change.NONE);
        assertThat(plan.endpoints()).isEmpty();
    }

    @Test
    void aStoppedTaskLeavesTheAddresses() {
        Endpoints current = stored("web", "10.43.0.2", EndpointMode.VIP, List.of(
                new EndpointAddress("10.42.0.2", "t1", "n1", true),
                new EndpointAddress("10.42.0.3", "t2", "n1", true)));
        Plan plan = plan(WEB, List.of(running(WEB, "t1", "n1", "10.42.0.2"),
                task(WEB, "t2", "n1", TaskState.RUNNING, TaskState.FAILED, "10.42.0.3")), Optional.of(current));

        assertThat(plan.change()).isEqualTo(Change.UPDATE);
        assertThat(plan.endpoints().orElseThrow().addresses()).extracting(EndpointAddress::taskId)
                .containsExactly("t1");
        assertThat(plan.endpoints().orElseThrow().virtualIp()).isEqualTo("10.43.0.2");
    }

    @Test
    void switchingToDnsrrDropsTheVipAndBackGetsANewOne() {
        Service rr = service("web", EndpointMode.DNSRR);
        Endpoints withVip = stored("web", "10.43.0.2", EndpointMode.VIP, List.of());
        Plan toRr = plan(rr, List.of(), Optional.of(withVip));
        assertThat(toRr.change()).isEqualTo(Change.UPDATE);
        assertThat(toRr.endpoints().orElseThrow().virtualIp()).isEmpty();
        assertThat(toRr.endpoints().orElseThrow().mode()).isEqualTo(EndpointMode.DNSRR);

        Endpoints withoutVip = stored("web", "", EndpointMode.DNSRR, List.of());
        Plan toVip = plan(WEB, List.of(), Optional.of(withoutVip), "10.43.0.2");
        assertThat(toVip.endpoints().orElseThrow().virtualIp()).isEqualTo("10.43.0.3");
        assertThat(toVip.endpoints().orElseThrow().mode()).isEqualTo(EndpointMode.VIP);
    }

    @Test
    void aChangedPortListIsWritten() {
        Endpoints current = stored("web", "10.43.0.2", EndpointMode.VIP, List.of());
        Service moved = service("web", EndpointMode.VIP);
        ServiceSpec s = moved.spec();
        moved = moved.withSpec(new ServiceSpec(s.image(), s.mode(), s.replicas(), null, null, null,
                List.of(new PortConfig(9090, 80, Protocol.TCP, PublishMode.INGRESS)), null, null, null, null, null,
                s.endpointMode(), null, null));
        Plan plan = plan(moved, List.of(), Optional.of(current));
        assertThat(plan.change()).isEqualTo(Change.UPDATE);
        assertThat(plan.endpoints().orElseThrow().ports()).extracting(PortConfig::published).containsExactly(9090);
    }

    @Test
    void aFullServiceRangeLeavesTheServiceWithoutVipAndSaysSo() {
        Cidr tiny = Cidr.parse("10.43.0.0/30"); // only .2 is handed out
        Plan plan = EndpointsPlanner.plan("web", Optional.of(WEB), List.of(), Optional.empty(), tiny,
                List.of("10.43.0.2"));
        assertThat(plan.vipExhausted()).isTrue();
        assertThat(plan.change()).isEqualTo(Change.CREATE);
        assertThat(plan.endpoints().orElseThrow().virtualIp()).isEmpty();

        // once an address is free again, the service gets it
        Plan later = EndpointsPlanner.plan("web", Optional.of(WEB), List.of(), plan.endpoints(), tiny, List.of());
        assertThat(later.vipExhausted()).isFalse();
        assertThat(later.endpoints().orElseThrow().virtualIp()).isEqualTo("10.43.0.2");
    }

    @Test
    void theEndpointsOfADeletedServiceAreDeleted() {
        Endpoints current = stored("web", "10.43.0.2", EndpointMode.VIP, List.of());
        Plan plan = EndpointsPlanner.plan("web", Optional.empty(), List.of(), Optional.of(current), SERVICES,
                List.of());
        assertThat(plan.change()).isEqualTo(Change.DELETE);
        assertThat(plan.endpoints()).contains(current);

        assertThat(EndpointsPlanner.plan("web", Optional.empty(), List.of(), Optional.empty(), SERVICES, List.of())
                .change()).isEqualTo(Change.NONE);
    }
}
