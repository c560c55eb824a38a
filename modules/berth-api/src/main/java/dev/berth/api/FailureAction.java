package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a rolling update does when too many new tasks fail. */
public enum FailureAction {
    @JsonProperty("pause")
    PAUSE,
    @JsonProperty("continue")
    CONTINUE,
    @JsonProperty("rollback")
    ROLLBACK;

    /** The value as written in YAML. */
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
