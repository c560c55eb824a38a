package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a service name resolves: to a virtual IP, or round-robin to the task IPs. */
public enum EndpointMode {
    @JsonProperty("vip")
    VIP,
    @JsonProperty("dnsrr")
    DNSRR;

    /** The value as written in YAML. */
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
