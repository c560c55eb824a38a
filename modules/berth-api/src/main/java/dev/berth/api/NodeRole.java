package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A node's role: a manager also runs tasks, like in Swarm. */
public enum NodeRole {
    @JsonProperty("manager")
    MANAGER,
    @JsonProperty("worker")
    WORKER;

    /** The value as written in YAML. */
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
