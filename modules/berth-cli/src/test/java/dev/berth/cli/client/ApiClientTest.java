package dev.berth.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.Kind;
import java.net.ServerSocket;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiClientTest {

    @Test
    void normalizesServerAddresses() {
        assertThat(ApiClient.normalize("127.0.0.1:4243").toString()).isEqualTo("http://127.0.0.1:4243");
        assertThat(ApiClient.normalize("http://h:1/").toString()).isEqualTo("http://h:1");
        assertThatThrownBy(() -> ApiClient.normalize("http://")).isInstanceOf(ApiException.class)
                .hasMessageContaining("invalid manager address");
    }

    @Test
    void mapsApiErrorBodiesToTheirMessage() {
        ApiException e = ApiClient.error(400,
                "{\"code\":400,\"reason\":\"Invalid\",\"message\":\"spec.replicas: must be >= 0, got -1\","
                        + "\"field\":\"spec.replicas\"}");
        assertThat(e.getMessage()).isEqualTo("spec.replicas: must be >= 0, got -1");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.reason()).isEqualTo("Invalid");
        assertThat(e.field()).isEqualTo("spec.replicas");
        ApiException plain = ApiClient.error(502, "Bad Gateway\nmore");
        assertThat(plain.getMessage()).isEqualTo("the manager answered HTTP 502: Bad Gateway");
    }

    @Test
    void connectionRefusedSaysHowToStartTheManager() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ApiClient client = new ApiClient("http://127.0.0.1:" + port);
        assertThat(client.healthy()).isFalse();
        assertThatThrownBy(() -> client.list(Kind.SERVICE, Optional.empty()))
                .isInstanceOf(ApiException.class)
                .hasMessage("cannot reach the Berth manager at http://127.0.0.1:" + port
                        + ": is it running? (berth init)");
    }
}
