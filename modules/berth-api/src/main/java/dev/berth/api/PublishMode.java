package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a port is published: through the routing mesh on every node, or only on the node running the task (Swarm's host mode). */
public enum PublishMode {
    @JsonProperty("ingress")
    INGRESS,
    @JsonProperty("host")
    HOST;

    /** The value as written in YAML. */
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
