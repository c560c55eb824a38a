package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether the scheduler may place tasks on a node: active, pause (keep running tasks, place no new ones) or drain (move tasks away). */
public enum NodeAvailability {
    @JsonProperty("active")
    ACTIVE,
    @JsonProperty("pause")
    PAUSE,
    @JsonProperty("drain")
    DRAIN;

    /** The value as written in YAML. */
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
