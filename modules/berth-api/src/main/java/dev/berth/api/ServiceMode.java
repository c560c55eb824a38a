package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a service places its tasks: a number of replicas, or one task per eligible node. */
public enum ServiceMode {
    @JsonProperty("replicated")
    REPLICATED,
    @JsonProperty("global")
    GLOBAL;

    /** The value as written in YAML. */
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
