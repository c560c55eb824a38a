package dev.berth.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.xbill.DNS.Address;

/**
 * Reads the nameservers of a resolv.conf file: the host's resolvers become the cluster DNS's
 * upstreams. Loopback ones are left out (see {@link ClusterDns#systemResolvers()}).
 */
final class ResolvConf {

    private static final Logger LOG = LogManager.getLogger(ResolvConf.class);
    private static final int DNS_PORT = 53;

    private ResolvConf() {
    }

    /** The file's usable nameservers; empty when it is missing or unreadable. */
    static List<InetSocketAddress> nameservers(Path file) {
        if (!Files.isReadable(file)) {
            return List.of();
        }
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warn("Cannot read {}: {}; no upstream resolvers from it", file, e.toString());
            return List.of();
        }
    }

    /** The usable nameservers of a resolv.conf text, in order, without loopback and duplicates. */
    static List<InetSocketAddress> parse(String content) {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String line : content.split("\\R")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 2 || !fields[0].equals("nameserver")) {
                continue;
            }
            String literal = fields[1];
            if (literal.indexOf('%') >= 0) {
                continue; // link-local with an interface scope: that interface is not in the node's namespace
            }
            InetAddress address;
            try {
                address = Address.getByAddress(literal); // a literal only: never a lookup
            } catch (UnknownHostException e) {
                continue;
            }
            InetSocketAddress server = new InetSocketAddress(address, DNS_PORT);
            if (!address.isLoopbackAddress() && !address.isAnyLocalAddress() && !servers.contains(server)) {
                servers.add(server);
            }
        }
        return List.copyOf(servers);
    }
}
