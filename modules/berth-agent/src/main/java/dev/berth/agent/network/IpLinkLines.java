package dev.berth.agent.network;

import java.util.Optional;

/**
 * Reads {@code ip -o link show} output, one interface per line ({@code 12: veth1@if11: <BROADCAST,…>
 * mtu 1500 master berth0 …}).
 */
final class IpLinkLines {

    private IpLinkLines() {
    }

    /** The interface's name ({@code veth1}, without the {@code @if11} of its peer), if the line has one. */
    static Optional<String> name(String line) {
        String[] f = line.strip().split(":\\s+", 3);
        if (f.length < 3) {
            return Optional.empty();
        }
        String name = f[1];
        int at = name.indexOf('@');
        return Optional.of(at < 0 ? name : name.substring(0, at));
    }
}
