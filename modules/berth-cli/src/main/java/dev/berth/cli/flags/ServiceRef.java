package dev.berth.cli.flags;

import dev.berth.api.Kind;
import java.util.Optional;

/**
 * The service argument of {@code berth rollout}: {@code service/whoami}, {@code svc/whoami} (any
 * spelling of the service kind) or just {@code whoami}, as kubectl takes {@code deployment/web}.
 */
public final class ServiceRef {

    private ServiceRef() {
    }

    /**
     * The service's name.
     *
     * @throws IllegalArgumentException for another kind ({@code node/x}) or an empty name
     */
    public static String parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String name = s;
        if (slash >= 0) {
            String kind = s.substring(0, slash);
            Optional<Kind<?>> k = Kind.parse(kind);
            if (k.isEmpty() || k.get() != Kind.SERVICE) {
                throw new IllegalArgumentException("\"" + text + "\": rollout works on services only: use service/NAME"
                        + " (or svc/NAME, or just NAME)");
            }
            name = s.substring(slash + 1);
        }
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("\"" + text + "\": expected service/NAME, svc/NAME or NAME");
        }
        return name;
    }
}
