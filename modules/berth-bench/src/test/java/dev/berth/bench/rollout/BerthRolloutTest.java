package dev.berth.bench.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.ApiObject;
import dev.berth.api.FailureAction;
import dev.berth.api.Service;
import dev.berth.api.UpdateOrder;
import dev.berth.api.codec.Codec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BerthRolloutTest {

    @Test
    void theManifestDecodesToTheServiceThePlanDescribes() {
        RolloutPlan plan = new RolloutPlan(50, 5, Duration.ofMillis(1500), "berth-examples/sleep:1",
                "berth-bench/sleep:2", true);
        List<ApiObject> objects = Codec.decodeAll(BerthRollout.manifest("bench-berth-roll-1", plan, plan.newImage()));

        assertThat(objects).hasSize(1).first().isInstanceOf(Service.class);
        Service service = (Service) objects.get(0);
        assertThat(service.name()).isEqualTo("bench-berth-roll-1");
        assertThat(service.spec().image()).isEqualTo("berth-bench/sleep:2");
        assertThat(service.spec().replicas()).isEqualTo(50);
        assertThat(service.spec().init()).isTrue();
        assertThat(service.spec().update().parallelism()).isEqualTo(5);
        assertThat(service.spec().update().delay()).isZero();
        assertThat(service.spec().update().monitor()).isEqualTo(Duration.ofMillis(1500));
        assertThat(service.spec().update().failureAction()).isEqualTo(FailureAction.PAUSE);
        assertThat(service.spec().update().order()).isEqualTo(UpdateOrder.STOP_FIRST);
    }
}
