package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The transport protocol of a published port. */
public enum Protocol {
    @JsonProperty("tcp")
    TCP,
    @JsonProperty("udp")
    UDP;

    /** The value as written in YAML. */
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
