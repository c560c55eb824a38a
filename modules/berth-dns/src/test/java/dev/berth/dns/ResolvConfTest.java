package dev.berth.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvConfTest {

    private static List<String> hosts(List<InetSocketAddress> servers) {
        return servers.stream().map(s -> s.getAddress().getHostAddress() + ":" + s.getPort()).toList();
    }

    @Test
    void readsNameserversInOrderOnPort53SkippingLoopbackAndJunk() {
        String content = """
                # generated
                search example.com
                nameserver 127.0.0.53
                nameserver 10.0.0.2
                nameserver   192.168.1.1   # trailing
                nameserver 127.1.2.3
                nameserver ::1
                nameserver 2001:db8::53
                nameserver fe80::1%eth0
                nameserver dns.example.com
                nameserver 10.0.0.2
                nameserver
                options ndots:5
                """;
        assertThat(hosts(ResolvConf.parse(content)))
                .containsExactly("10.0.0.2:53", "192.168.1.1:53", "2001:db8:0:0:0:0:0:53:53");
    }

    @Test
    void onlyLoopbackMeansNone() {
        assertThat(ResolvConf.parse("nameserver 127.0.0.53\noptions edns0\n")).isEmpty();
        assertThat(ResolvConf.parse("")).isEmpty();
    }

    @Test
    void aMissingFileMeansNone(@TempDir Path dir) throws Exception {
        assertThat(ResolvConf.nameservers(dir.resolve("missing"))).isEmpty();
        Path file = Files.writeString(dir.resolve("resolv.conf"), "nameserver 10.1.1.1\n");
        assertThat(hosts(ResolvConf.nameservers(file))).containsExactly("10.1.1.1:53");
    }

    @Test
    void systemResolversNeverContainLoopback() {
        assertThat(ClusterDns.systemResolvers()).allSatisfy(s -> {
            assertThat(s.getAddress().isLoopbackAddress()).isFalse();
            assertThat(s.getPort()).isEqualTo(53);
        });
    }
}
