package dev.berth.manager.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.api.ObjectMeta;
import dev.berth.api.PortConfig;
import dev.berth.api.Protocol;
import dev.berth.api.PublishMode;
import dev.berth.api.Service;
import dev.berth.api.ServiceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class PublishedPortsTest {

    private static Service service(String name, PortConfig... ports) {
        return Service.of(ObjectMeta.named(name), new ServiceSpec("x", null, null, null, null, null, List.of(ports),
                null, null, null, null, null, null, null, null));
    }

    private static final Service WHOAMI = service("whoami", PortConfig.parse("4567:80"), PortConfig.parse("53:53/udp"));

    @Test
    void aPortAnotherServicePublishesIsAConflictNamingTheFieldAndTheService() {
        Service web = service("web", PortConfig.parse("8080:80"), PortConfig.parse("4567:8080"));
        ApiError e = PublishedPorts.conflict(web, List.of(WHOAMI)).orElseThrow();
        assertThat(e.code()).isEqualTo(409);
        assertThat(e.field()).isEqualTo("spec.ports[1].published");
        assertThat(e.message())
                .isEqualTo("spec.ports[1].published: port 4567/tcp is already published by service \"whoami\"");
    }

    @Test
    void hostModeCountsTooButAnotherProtocolOrUnpublishedPortDoesNot() {
        Service host = service("host", new PortConfig(4567, 80, Protocol.TCP, PublishMode.HOST));
        assertThat(PublishedPorts.conflict(host, List.of(WHOAMI))).isPresent();
        assertThat(PublishedPorts.conflict(service("udp", PortConfig.parse("4567:80/udp")), List.of(WHOAMI)))
                .isEmpty();
        assertThat(PublishedPorts.conflict(service("dns", PortConfig.parse("53:53/udp")), List.of(WHOAMI)))
                .isPresent();
        assertThat(PublishedPorts.conflict(service("inner", PortConfig.parse("4567")), List.of(WHOAMI))).isEmpty();
    }

    @Test
    void aServiceKeepsItsOwnPorts() {
        Service updated = service("whoami", PortConfig.parse("4567:8080"));
        assertThat(PublishedPorts.conflict(updated, List.of(WHOAMI, service("other", PortConfig.parse("9000:80")))))
                .isEmpty();
    }
}
