package dev.berth.cli.commands;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What a joined node's agent was started with ({@code --hostname}, {@code --advertise-addr},
 * {@code --docker-host}), kept in {@code DIR/agent.conf}: after a crash or reboot, {@code berth agent
 * --state-dir DIR} comes back as the same node with the same settings, without them being given
 * again. A flag given on the command line wins and is kept for the next start.
 *
 * @param hostname the host name to report; empty for the OS's
 * @param advertiseAddress the address other nodes reach this one at; empty for the default
 * @param dockerHost the Docker engine; empty for the default
 * @param dnsUpstreams where the node's cluster DNS forwards outside names ({@code ADDR[:PORT]});
 *     empty for the nameservers of /etc/resolv.conf
 */
record AgentSettings(String hostname, String advertiseAddress, String dockerHost, List<String> dnsUpstreams) {

    static final String FILE = "agent.conf";

    AgentSettings {
        hostname = hostname == null ? "" : hostname;
        advertiseAddress = advertiseAddress == null ? "" : advertiseAddress;
        dockerHost = dockerHost == null ? "" : dockerHost;
        dnsUpstreams = dnsUpstreams == null ? List.of() : List.copyOf(dnsUpstreams);
    }

    AgentSettings(String hostname, String advertiseAddress, String dockerHost) {
        this(hostname, advertiseAddress, dockerHost, List.of());
    }

    /** The settings saved in {@code dir}; empty ones when there are none. */
    static AgentSettings read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return new AgentSettings("", "", "", List.of());
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String upstreams = p.getProperty("dns-upstream", "").strip();
        return new AgentSettings(p.getProperty("hostname"), p.getProperty("advertise-addr"),
                p.getProperty("docker-host"), upstreams.isEmpty() ? List.of() : List.of(upstreams.split("\\s*,\\s*")));
    }

    /** These settings with every value given on the command line in place of the saved one. */
    AgentSettings overriddenBy(String hostnameFlag, String advertiseFlag, String dockerHostFlag,
            List<String> dnsUpstreamFlags) {
        return new AgentSettings(pick(hostnameFlag, hostname), pick(advertiseFlag, advertiseAddress),
                pick(dockerHostFlag, dockerHost), dnsUpstreamFlags.isEmpty() ? dnsUpstreams : dnsUpstreamFlags);
    }

    /** As {@link #overriddenBy(String, String, String, List)} with no {@code --dns-upstream}. */
    AgentSettings overriddenBy(String hostnameFlag, String advertiseFlag, String dockerHostFlag) {
        return overriddenBy(hostnameFlag, advertiseFlag, dockerHostFlag, List.of());
    }

    /** Saves these settings in {@code dir}. */
    void write(Path dir) {
        String text = "# berth agent's settings for this node (written by berth join / berth agent)\n"
                + line("hostname", hostname) + line("advertise-addr", advertiseAddress)
                + line("docker-host", dockerHost) + line("dns-upstream", String.join(",", dnsUpstreams));
        try {
            Path tmp = dir.resolve(FILE + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, dir.resolve(FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    Optional<String> hostnameIfSet() {
        return hostname.isEmpty() ? Optional.empty() : Optional.of(hostname);
    }

    Optional<String> advertiseAddressIfSet() {
        return advertiseAddress.isEmpty() ? Optional.empty() : Optional.of(advertiseAddress);
    }

    Optional<String> dockerHostIfSet() {
        return dockerHost.isEmpty() ? Optional.empty() : Optional.of(dockerHost);
    }

    private static String pick(String flag, String saved) {
        return flag == null || flag.isBlank() ? saved : flag;
    }

    private static String line(String key, String value) {
        return value.isEmpty() ? "" : key + "=" + value.replace("\\", "\\\\") + "\n";
    }
}
