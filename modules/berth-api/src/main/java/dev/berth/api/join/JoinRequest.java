package dev.berth.api.join;

import dev.berth.api.ByteSize;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/join} on a manager's cluster port: the token, what the node
 * registration takes, and the node's public key for its certificate (its private key never
 * leaves the node).
 *
 * @param token the join token
 * @param hostname the server's host name
 * @param advertiseAddress the address other nodes reach it at
 * @param publicKey the node's public key, PEM ({@code -----BEGIN PUBLIC KEY-----}, SubjectPublicKeyInfo)
 * @param labels labels for the new node
 * @param cpus CPUs offered to tasks
 * @param memory memory offered to tasks
 * @param engineVersion the container engine's version
 */
public record JoinRequest(String token, String hostname, String advertiseAddress, String publicKey,
        Map<String, String> labels, double cpus, ByteSize memory, String engineVersion) {

    public JoinRequest {
        token = token == null ? "" : token;
        hostname = hostname == null ? "" : hostname;
        advertiseAddress = advertiseAddress == null ? "" : advertiseAddress;
        publicKey = publicKey == null ? "" : publicKey;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        memory = memory == null ? ByteSize.ZERO : memory;
        engineVersion = engineVersion == null ? "" : engineVersion;
    }

    /** This request without its secret, for logs. */
    @Override
    public String toString() {
        return "JoinRequest[hostname=" + hostname + ", advertiseAddress=" + advertiseAddress + ", labels=" + labels
                + ", cpus=" + cpus + ", memory=" + memory + "]";
    }
}
