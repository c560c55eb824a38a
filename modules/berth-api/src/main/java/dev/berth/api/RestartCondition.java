package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** When a stopped task is replaced by a new one in its slot. */
public enum RestartCondition {
    @JsonProperty("any")
    ANY,
    @JsonProperty("on-failure")
    ON_FAILURE,
    @JsonProperty("none")
    NONE;

    /** The value as written in YAML. */
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
