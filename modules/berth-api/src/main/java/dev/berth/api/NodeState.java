package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A node's state as the manager sees it. */
public enum NodeState {
    @JsonProperty("unknown")
    UNKNOWN,
    @JsonProperty("ready")
    READY,
    @JsonProperty("down")
    DOWN,
    @JsonProperty("disconnected")
    DISCONNECTED;

    /** The value as written in YAML. */
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
