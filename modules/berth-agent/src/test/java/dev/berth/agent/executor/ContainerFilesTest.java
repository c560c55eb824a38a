package dev.berth.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerFilesTest {

    private static final NetworkAttachment AT = new NetworkAttachment("berth", "berth0", "10.42.3.7", 24, "10.42.3.1",
            List.of("10.42.3.1"));

    @TempDir
    Path root;

    @Test
    void writesDockersHostsTheHostNameAndTheNodesNameServerWithTheHostsSearchDomains() throws Exception {
        ContainerFiles files = new ContainerFiles(root, List.of("search corp.example", "options edns0 trust-ad"));
        files.write("t1", "0123456789ab", AT);

        Path dir = root.resolve("t1");
        assertThat(Files.readString(dir.resolve("hostname"))).isEqualTo("0123456789ab\n");
        assertThat(Files.readString(dir.resolve("hosts"))).startsWith("127.0.0.1\tlocalhost\n")
                .contains("::1\tlocalhost ip6-localhost ip6-loopback\n").endsWith("\n10.42.3.7\t0123456789ab\n");
        assertThat(Files.readString(dir.resolve("resolv.conf")).lines().filter(l -> !l.startsWith("#")))
                .containsExactly("search corp.example", "nameserver 10.42.3.1", "options edns0 trust-ad");
        assertThat(files.binds("t1")).extracting(Object::toString).containsExactly(
                dir.resolve("hosts") + ":/etc/hosts:rw", dir.resolve("hostname") + ":/etc/hostname:rw",
                dir.resolve("resolv.conf") + ":/etc/resolv.conf:rw");
    }

    @Test
    void keepsOnlyTheSearchDomainsAndOptionsOfTheHostsResolvConf() throws Exception {
        Path conf = root.resolve("resolv.conf");
        Files.writeString(conf, "# comment\nnameserver 127.0.0.53\n  search a.example b.example\ndomain c.example\n"
                + "options ndots:2\n");
        assertThat(ContainerFiles.resolverLines(conf))
                .containsExactly("search a.example b.example", "domain c.example", "options ndots:2");
        assertThat(ContainerFiles.resolverLines(root.resolve("missing"))).isEmpty();
    }

    @Test
    void deletesATasksFilesOnlyForTheContainerTheyNameAndPrunesTasksWithoutContainers() throws Exception {
        ContainerFiles files = new ContainerFiles(root, List.of());
        files.write("t1", "aaaaaaaaaaaa", AT);
        files.write("t2", "bbbbbbbbbbbb", AT);

        files.delete("t1", "cccccccccccc"); // a duplicate of the task's: its files are the other's
        assertThat(root.resolve("t1")).isDirectory();
        files.delete("t1", "aaaaaaaaaaaa");
        assertThat(root.resolve("t1")).doesNotExist();
        files.delete("t1", "aaaaaaaaaaaa"); // gone already: nothing to do
        files.delete("../etc", "x"); // a label set by hand names no directory of ours

        files.write("t3", "dddddddddddd", AT);
        files.prune(Set.of("t3"));
        assertThat(root.resolve("t2")).doesNotExist();
        assertThat(root.resolve("t3")).isDirectory();
    }

    @Test
    void refusesATaskIdThatIsNotAPlainName() {
        ContainerFiles files = new ContainerFiles(root, List.of());
        assertThatThrownBy(() -> files.dir("../x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("../x");
        assertThatThrownBy(() -> files.dir("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ContainerFiles(root.resolve("a:b"), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contains a ':'");
    }
}
