package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a rolling update stops an old task before starting its replacement, or after. */
public enum UpdateOrder {
    @JsonProperty("stop-first")
    STOP_FIRST,
    @JsonProperty("start-first")
    START_FIRST;

    /** The value as written in YAML. */
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
