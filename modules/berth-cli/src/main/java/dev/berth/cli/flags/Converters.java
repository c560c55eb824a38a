package dev.berth.cli.flags;

import dev.berth.api.ByteSize;
import dev.berth.api.Kind;
import dev.berth.api.PortConfig;
import dev.berth.api.ServiceMode;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Picocli converters for Berth's value types, so that a bad flag value is a usage error (exit
 * code 2) whose message says what is accepted.
 */
public final class Converters {

    private Converters() {
    }

    /** {@code -p 8080:80/udp}. */
    public static final class Port implements CommandLine.ITypeConverter<PortConfig> {
        @Override
        public PortConfig convert(String value) {
            try {
                return PortConfig.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --reserve-memory 64Mi}. */
    public static final class Size implements CommandLine.ITypeConverter<ByteSize> {
        @Override
        public ByteSize convert(String value) {
            try {
                return ByteSize.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --mode replicated|global}. */
    public static final class Mode implements CommandLine.ITypeConverter<ServiceMode> {
        @Override
        public ServiceMode convert(String value) {
            return parseMode(value);
        }
    }

    /** {@code service}, {@code services}, {@code svc}, {@code Service}... */
    public static final class KindWord implements CommandLine.ITypeConverter<Kind<?>> {
        @Override
        public Kind<?> convert(String value) {
            return parseKind(value);
        }
    }

    /** The service mode a person means, or a usage error. */
    public static ServiceMode parseMode(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "replicated":
                return ServiceMode.REPLICATED;
            case "global":
                return ServiceMode.GLOBAL;
            default:
                throw new CommandLine.TypeConversionException("mode must be replicated or global, got \"" + value + "\"");
        }
    }

    /** The kind a person means (see {@link Kind#parse}), or a usage error listing the accepted kinds. */
    public static Kind<?> parseKind(String value) {
        return Kind.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                "unknown kind \"" + value + "\": use one of " + Kind.accepted()
                        + " (singular, plural or an alias such as svc or no)"));
    }
}
