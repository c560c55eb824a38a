package dev.berth.cli.output;

import java.util.Locale;
import picocli.CommandLine;

/** The {@code -o} formats of {@code berth get}: a table (default), a wider table, YAML, JSON or {@code kind/name}. */
public enum OutputFormat {
    TABLE,
    WIDE,
    YAML,
    JSON,
    NAME;

    /** Parses the {@code -o} value, case-insensitively. */
    public static OutputFormat parse(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        switch (t) {
            case "wide":
                return WIDE;
            case "yaml":
            case "yml":
                return YAML;
            case "json":
                return JSON;
            case "name":
                return NAME;
            case "table":
                return TABLE;
            default:
                throw new IllegalArgumentException("unknown output format \"" + text
                        + "\": use wide, yaml, json or name");
        }
    }

    /** Picocli converter for {@code -o}; a bad value is a usage error. */
    public static final class Converter implements CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
