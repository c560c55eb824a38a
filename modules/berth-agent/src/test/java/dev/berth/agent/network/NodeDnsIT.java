package dev.berth.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.api.EndpointMode;
import dev.berth.api.Endpoints;
import dev.berth.api.ObjectMeta;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The node's DNS on a loopback port: started when the network is ready, fed by the network maps. */
class NodeDnsIT {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Message ask(int port, String name) throws Exception {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        resolver.setTimeout(Duration.ofSeconds(2));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), Type.A, DClass.IN)));
    }

    private static Endpoints service(String name, String vip) {
        return Endpoints.of(ObjectMeta.named(name), vip, EndpointMode.VIP, List.of(), List.of());
    }

    @Test
    void servesTheServicesOfTheLatestMapOnTheGatewayOnceTheNetworkIsReady() throws Exception {
        int port = freePort();
        try (NodeDns dns = new NodeDns(vertx, List.of(), port, Clock.systemUTC())) {
            dns.update(List.of(service("web", "10.43.0.2")));
            assertThat(dns.serving()).as("no network yet").isFalse();

            dns.networkReady("127.0.0.1");
            dns.networkReady("127.0.0.1"); // again (every applied map): the same server stays

            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> ask(port, "web")
                    .getSection(Section.ANSWER).stream().map(r -> ((ARecord) r).getAddress().getHostAddress())
                    .toList().equals(List.of("10.43.0.2")));

            dns.update(List.of(service("redis", "10.43.0.3")));
            assertThat(ask(port, "web").getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(((ARecord) ask(port, "redis").getSection(Section.ANSWER).get(0)).getAddress().getHostAddress())
                    .isEqualTo("10.43.0.3");
        }
    }
}
