package dev.berth.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.agent.executor.NetworkAttachment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VethPlumberTest {

    private static final NetworkAttachment LINK = new NetworkAttachment("berth", "berth0", "10.42.3.7", 24,
            "10.42.3.1", List.of("10.42.3.1"));
    private static final String ID = "0123456789abcdef0123";

    /** Records commands and answers each with the next result (ok by default). */
    private static final class Recorder implements CommandRunner {
        final List<String> commands = new ArrayList<>();
        final List<String> stdins = new ArrayList<>();
        final List<Result> results = new ArrayList<>();

        @Override
        public Result run(List<String> argv, String stdin) {
            commands.add(String.join(" ", argv));
            stdins.add(stdin);
            return results.isEmpty() ? new Result(0, "", "") : results.remove(0);
        }
    }

    @Test
    void linksInsideTheContainerFirstAndPlugsTheHostEndInLast() throws IOException {
        Recorder r = new Recorder();
        new VethPlumber(r, 4242).connect(777, ID, LINK);

        assertThat(r.commands).containsExactly("nsenter -t 777 -n ip -force -batch -", "ip -batch -");
        assertThat(r.stdins.get(0)).isEqualTo("""
                link add eth0 address 02:42:0a:2a:03:07 type veth peer name bv0123456789ab netns 4242
                addr add 10.42.3.7/24 dev eth0
                link set eth0 up
                route add default via 10.42.3.1
                """);
        assertThat(r.stdins.get(1)).isEqualTo("""
                link set bv0123456789ab master berth0
                link set bv0123456789ab type bridge_slave hairpin on
                link set bv0123456789ab up
                """);
        assertThat(VethPlumber.hostLink(ID)).hasSizeLessThanOrEqualTo(15);
    }

    @Test
    void aHalfMadeLinkIsCompletedButARealErrorIsNot() throws IOException {
        Recorder r = new Recorder();
        r.results.add(new CommandRunner.Result(1, "", "RTNETLINK answers: File exists\nCommand failed -:1\n"
                + "RTNETLINK answers: File exists\nCommand failed -:2\n"));
        new VethPlumber(r, 1).connect(777, ID, LINK);
        assertThat(r.commands).hasSize(2);

        Recorder gone = new Recorder();
        gone.results.add(new CommandRunner.Result(1, "", "nsenter: cannot open /proc/777/ns/net: No such file or directory\n"));
        assertThatThrownBy(() -> new VethPlumber(gone, 1).connect(777, ID, LINK)).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot open /proc/777/ns/net");
        assertThat(gone.commands).hasSize(1);

        Recorder noBridge = new Recorder();
        noBridge.results.add(new CommandRunner.Result(0, "", ""));
        noBridge.results.add(new CommandRunner.Result(1, "", "Cannot find device \"berth0\"\n"));
        assertThatThrownBy(() -> new VethPlumber(noBridge, 1).connect(777, ID, LINK))
                .hasMessage("plugging bv0123456789ab into bridge berth0 failed: Cannot find device \"berth0\"");
    }

    @Test
    void aLinkCountsAsMadeWhenItsHostEndIsUp() throws IOException {
        Recorder r = new Recorder();
        r.results.add(new CommandRunner.Result(0, "17: bv0123456789ab@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500", ""));
        r.results.add(new CommandRunner.Result(0, "17: bv0123456789ab@if2: <BROADCAST,MULTICAST> mtu 1500", ""));
        r.results.add(new CommandRunner.Result(1, "", "Device \"bv0123456789ab\" does not exist.\n"));
        VethPlumber plumber = new VethPlumber(r, 1);
        assertThat(plumber.connected(ID)).isTrue();
        assertThat(plumber.connected(ID)).isFalse();
        assertThat(plumber.connected(ID)).isFalse();
        assertThat(r.commands.get(0)).isEqualTo("ip -o link show dev bv0123456789ab");
    }

    @Test
    void onlyAStaticBusyboxWillDo() {
        // the build machine has Debian's busybox-static (the example images are made of it)
        assertThat(StaticBusybox.find()).contains(Path.of("/bin/busybox"));
        assertThat(StaticBusybox.isStaticElf(Path.of("/bin/busybox"))).isTrue();
        assertThat(StaticBusybox.isStaticElf(Path.of("/bin/ls"))).isFalse(); // dynamically linked
        assertThat(StaticBusybox.isStaticElf(Path.of("/etc/hostname"))).isFalse();
        assertThat(StaticBusybox.isStaticElf(Path.of("/no/such/file"))).isFalse();
    }
}
