package dev.berth.manager;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The IPv4 address of the interface that holds the default route, read from the kernel's
 * routing table ({@code /proc/net/route}): what other servers most likely reach this one at, and
 * so the address a manager advertises (and prints in its join command) when not told one — as
 * Swarm picks the default route's interface. Sends nothing.
 */
final class DefaultRoute {

    private static final Path ROUTES = Path.of("/proc/net/route");

    private DefaultRoute() {
    }

    /** The default route's interface's first IPv4 address, if there is one. */
    static Optional<String> ipv4Address() {
        try {
            Optional<String> iface = interfaceOf(Files.readAllLines(ROUTES));
            if (iface.isEmpty()) {
                return Optional.empty();
            }
            NetworkInterface ni = NetworkInterface.getByName(iface.get());
            if (ni == null) {
                return Optional.empty();
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return Optional.of(a.getHostAddress());
                }
            }
            return Optional.empty();
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * The interface of the default route (destination and mask 0) with the lowest metric, from
     * the lines of {@code /proc/net/route} (a header, then {@code Iface Destination Gateway Flags
     * RefCnt Use Metric Mask …}, addresses in hex).
     */
    static Optional<String> interfaceOf(List<String> routeTable) {
        String best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : routeTable.subList(Math.min(1, routeTable.size()), routeTable.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || !f[1].equals("00000000") || !f[7].equals("00000000")) {
                continue;
            }
            long metric;
            try {
                metric = Long.parseLong(f[6]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (metric < bestMetric) {
                best = f[0];
                bestMetric = metric;
            }
        }
        return Optional.ofNullable(best);
    }
}
