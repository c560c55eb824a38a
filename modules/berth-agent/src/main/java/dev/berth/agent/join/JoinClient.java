package dev.berth.agent.join;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.agent.session.ManagerAddress;
import dev.berth.api.codec.Codec;
import dev.berth.api.join.JoinRequest;
import dev.berth.api.join.JoinResponse;
import dev.berth.api.join.JoinToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The joining server's side of a join, over a manager's cluster port:
 * <ol>
 *   <li>fetch the CA certificate without trusting anything, and compare its SHA-256 with the
 *       token's fingerprint (a manager of another cluster, or an impostor, stops the join here);</li>
 *   <li>from then on trust only that CA; make the node's key pair here (the private key never
 *       leaves this server) and send the token and the public key;</li>
 *   <li>check that the certificate that comes back is the CA's and holds this key.</li>
 * </ol>
 * Blocking: call it off any event loop (the CLI does).
 *
 * <pre>{@code
 * JoinedNode joined = new JoinClient(vertx).join("10.0.0.1:4242", JoinToken.parse(text), request);
 * JoinState.write(stateDir, joined);
 * }</pre>
 */
public final class JoinClient {

    /** How long one HTTP exchange with the manager may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(15);

    private static final Logger LOG = LogManager.getLogger(JoinClient.class);
    private static final String CA_PATH = "/api/v1/ca";
    private static final String JOIN_PATH = "/api/v1/join";

    private final Vertx vertx;

    public JoinClient(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Joins the cluster of the manager at {@code manager} ({@code host:port} of its cluster port).
     *
     * @param node what the join request says about this server; its token and public key are
     *     ignored (this client sets them)
     * @throws JoinException with a message for people when anything fails; nothing is written
     */
    public JoinedNode join(String manager, JoinToken token, JoinRequest node) {
        ManagerAddress address;
        try {
            address = ManagerAddress.parse(manager);
        } catch (IllegalArgumentException e) {
            throw new JoinException(e.getMessage());
        }
        String caPem = fetchCa(address);
        X509Certificate ca = certificate(caPem, "the manager at " + address + " sent a CA that is not a certificate");
        String fingerprint = JoinToken.fingerprint(encoded(ca));
        if (!fingerprint.equals(token.caFingerprint())) {
            throw new JoinException("the manager at " + address + " belongs to another cluster (CA fingerprint "
                    + fingerprint + " ≠ " + token.caFingerprint() + " in the token)");
        }
        KeyPair keys = NodeKeys.generate();
        JoinRequest request = new JoinRequest(token.toString(), node.hostname(), node.advertiseAddress(),
                NodeKeys.publicKeyPem(keys), node.labels(), node.cpus(), node.memory(), node.engineVersion());
        JoinResponse response = post(address, caPem, request);
        X509Certificate cert = certificate(response.certificate(), "the manager sent a node certificate that is not one");
        try {
            cert.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new JoinException("the node certificate from " + address + " is not signed by the cluster CA");
        }
        if (!cert.getPublicKey().equals(keys.getPublic())) {
            throw new JoinException("the node certificate from " + address + " is for another key");
        }
        if (response.nodeId().isBlank()) {
            throw new JoinException("the manager at " + address + " answered the join without a node id");
        }
        List<String> managers = response.managers().isEmpty() ? List.of(address.toString()) : response.managers();
        LOG.info("joined the cluster of {} as node {}", address, response.nodeId());
        return new JoinedNode(response.nodeId(), NodeKeys.privateKeyPem(keys), response.certificate(), caPem, managers);
    }

    /**
     * The CA certificate the manager at {@code address} serves, fetched without checking its
     * TLS certificate: nothing is trusted until the caller compares it with the token.
     */
    String fetchCa(ManagerAddress address) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true)
                .setVerifyHost(false).setConnectTimeout((int) TIMEOUT.toMillis()));
        try {
            Reply reply = await(client.request(options(address, HttpMethod.GET, CA_PATH))
                    .compose(req -> req.send().compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b)))),
                    address);
            if (reply.status() != 200) {
                throw new JoinException("the manager at " + address + " did not give its CA certificate: HTTP "
                        + reply.status() + " " + message(reply.body()));
            }
            return reply.body().toString();
        } finally {
            client.close();
        }
    }

    private JoinResponse post(ManagerAddress address, String caPem, JoinRequest request) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(caPem)))
                .setConnectTimeout((int) TIMEOUT.toMillis()));
        try {
            Buffer body = Buffer.buffer(Codec.toJson(request));
            Reply reply = await(client.request(options(address, HttpMethod.POST, JOIN_PATH)
                            .putHeader("Content-Type", "application/json"))
                    .compose(req -> req.send(body).compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b)))),
                    address);
            if (reply.status() != 200) {
                throw new JoinException("the manager at " + address + " refused the join: " + message(reply.body()));
            }
            try {
                return Codec.json().readValue(reply.body().getBytes(), JoinResponse.class);
            } catch (java.io.IOException e) {
                throw new JoinException("unreadable answer to the join from " + address + ": " + e.getMessage(), e);
            }
        } finally {
            client.close();
        }
    }

    private static RequestOptions options(ManagerAddress address, HttpMethod method, String path) {
        return new RequestOptions().setHost(address.host()).setPort(address.port()).setMethod(method).setURI(path)
                .setTimeout(TIMEOUT.toMillis());
    }

    /** The API error's message in {@code body}, or the body itself. */
    private static String message(Buffer body) {
        try {
            JsonNode json = Codec.json().readTree(body.getBytes());
            if (json != null && json.hasNonNull("message")) {
                return json.get("message").asText();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not JSON: show it as it is
        }
        String text = body.toString().strip();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static <T> T await(Future<T> future, ManagerAddress address) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JoinException("interrupted while talking to the manager at " + address);
        } catch (TimeoutException e) {
            throw new JoinException("the manager at " + address + " did not answer within " + TIMEOUT.toSeconds() + "s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String hint = cause instanceof javax.net.ssl.SSLException
                    ? " (is " + address + " the manager's cluster port, and an address its certificate names, e.g."
                            + " its --advertise-addr?)"
                    : "";
            throw new JoinException("cannot reach the manager at " + address + ": " + cause.getMessage() + hint, cause);
        }
    }

    private static X509Certificate certificate(String pem, String problem) {
        try {
            return NodeKeys.certificate(pem);
        } catch (IllegalArgumentException e) {
            throw new JoinException(problem);
        }
    }

    private static byte[] encoded(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new JoinException("cannot encode the manager's CA certificate: " + e.getMessage());
        }
    }

    /** A status and a body. */
    private record Reply(int status, Buffer body) {
    }
}
