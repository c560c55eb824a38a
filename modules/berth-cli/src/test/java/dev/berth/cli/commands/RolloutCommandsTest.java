package dev.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.berth.api.ApiObject;
import dev.berth.api.FailureAction;
import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;
import dev.berth.api.ServiceSpec;
import dev.berth.api.ServiceStatus;
import dev.berth.api.UpdateOrder;
import dev.berth.api.UpdateState;
import dev.berth.api.UpdateStatus;
import dev.berth.api.codec.Codec;
import dev.berth.cli.Berth;
import dev.berth.cli.CliEnvironment;
import dev.berth.cli.CliRunner;
import dev.berth.cli.client.ApiClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The rollout commands without a manager: flags refused before any request (the host is a port
 * nothing listens on), {@code service create}'s rollout flags, and {@link RolloutWatch} against a
 * stand-in server that answers a scripted sequence of services.
 */
class RolloutCommandsTest {

    @TempDir
    Path home;

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private CliRunner nowhere() {
        return new CliRunner(Optional.of("http://127.0.0.1:1"), home);
    }

    @Test
    void badRolloutFlagsAreUsageErrorsBeforeAnyRequest() {
        CliRunner cli = nowhere();
        CliRunner.Run p = cli.run("service", "update", "--update-parallelism", "-1", "web");
        assertThat(p.code()).as(p.toString()).isEqualTo(2);
        assertThat(p.err()).startsWith("Error: --update-parallelism: must be >= 0, got -1").doesNotContain("reach");
        CliRunner.Run m = cli.run("service", "update", "--update-monitor", "soon", "web");
        assertThat(m.code()).isEqualTo(2);
        assertThat(m.err()).startsWith("Error: --update-monitor: not a duration: \"soon\"");
        CliRunner.Run c = cli.run("service", "create", "--name", "web", "--rollback-failure-action", "rollback", "img");
        assertThat(c.code()).isEqualTo(2);
        assertThat(c.err()).startsWith("Error: --rollback-failure-action: must be pause or continue");
        assertThat(cli.run("service", "update", "--timeout", "later", "web").err())
                .startsWith("Error: --timeout: not a duration");
        assertThat(cli.run("service", "update", "--rollback", "--image", "x:2", "web").err())
                .contains("--rollback cannot be combined");
        assertThat(cli.run("rollout", "status", "node/abc").err()).contains("services only");
        assertThat(cli.run("rollout", "undo", "svc/web", "--to-revision", "0").err())
                .contains("--to-revision: must be >= 1, got 0");
    }

    @Test
    void createTakesTheRolloutFlagsLikeTheirYaml() {
        CommandLine cmd = Berth.commandLine(CliEnvironment.ofHome(home));
        CommandLine.ParseResult result = cmd.parseArgs("service", "create", "--name", "web",
                "--update-parallelism", "5", "--update-delay", "10s", "--update-failure-action", "rollback",
                "--update-order", "start-first", "--rollback-parallelism", "0", "--rollback-monitor", "1s", "img:1");
        Service s = ((ServiceCreateCommand) result.subcommand().subcommand().commandSpec().userObject()).service();
        List<ApiObject> yaml = Codec.decodeAll("""
                apiVersion: berth.dev/v1
                kind: Service
                metadata: {name: web}
                spec:
                  image: "img:1"
                  update: {parallelism: 5, delay: 10s, failureAction: rollback, order: start-first}
                  rollback: {parallelism: 0, monitor: 1s}
                """);
        assertThat(s).isEqualTo(yaml.get(0));
        assertThat(s.spec().update().failureAction()).isEqualTo(FailureAction.ROLLBACK);
        assertThat(s.spec().update().order()).isEqualTo(UpdateOrder.START_FIRST);
    }

    static Service whoami(long revision, int updated, UpdateState state, long updateRevision, String message) {
        ObjectMeta meta = new ObjectMeta("whoami", Map.of(), Map.of(), "uid-1", 9, 2, Optional.empty());
        return new Service(null, null, meta, new ServiceSpec("w:2", null, 4, null, null, null, null, null, null, null,
                null, null, null, null, null), new ServiceStatus(4, 4, updated, 2, revision,
                new UpdateStatus(state, updateRevision, Optional.empty(), Optional.empty(), message)));
    }

    /** Serves GET /api/v1/services/whoami as the next of {@code script} (the last one repeats). */
    private ApiClient scripted(List<Service> script, AtomicInteger gets) throws IOException {
        List<Service> queue = Collections.synchronizedList(new ArrayList<>(script));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/services/whoami", exchange -> {
            gets.incrementAndGet();
            Service next = queue.size() > 1 ? queue.remove(0) : queue.get(0);
            byte[] body = Codec.toJson(next).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return new ApiClient("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void followPrintsEachChangeOnceAndEndsOnCompletion() throws IOException {
        AtomicInteger gets = new AtomicInteger();
        ApiClient client = scripted(List.of(
                whoami(2, 4, UpdateState.COMPLETED, 1, ""),
                whoami(2, 0, UpdateState.UPDATING, 2, ""),
                whoami(2, 0, UpdateState.UPDATING, 2, ""),
                whoami(2, 2, UpdateState.UPDATING, 2, ""),
                whoami(2, 4, UpdateState.COMPLETED, 2, "")), gets);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new RolloutWatch(client, new PrintWriter(out, true), new PrintWriter(err, true), false)
                .follow(whoami(2, 4, UpdateState.COMPLETED, 1, ""), false, Optional.empty());
        assertThat(code).isZero();
        assertThat(out.toString().lines().toList()).containsExactly(
                "Waiting for rollout of service \"whoami\" (revision 2) to start...",
                "Waiting for rollout of service \"whoami\" (revision 2): 0 of 4 tasks updated...",
                "Waiting for rollout of service \"whoami\" (revision 2): 2 of 4 tasks updated...",
                "service \"whoami\" successfully rolled out (revision 2)");
        assertThat(err.toString()).isEmpty();
        assertThat(gets.get()).isEqualTo(5);
    }

    @Test
    void followFailsOnPauseWithTheMessage() throws IOException {
        ApiClient client = scripted(List.of(whoami(2, 1, UpdateState.PAUSED, 2, "update paused due to failure of task t1")),
                new AtomicInteger());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new RolloutWatch(client, new PrintWriter(out, true), new PrintWriter(err, true), false)
                .follow(whoami(2, 1, UpdateState.UPDATING, 2, ""), false, Optional.empty());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("Error: rollout of service \"whoami\" is paused (paused, revision 2): "
                + "update paused due to failure of task t1\n");
    }

    @Test
    void followTimesOut() throws IOException {
        ApiClient client = scripted(List.of(whoami(2, 1, UpdateState.UPDATING, 2, "")), new AtomicInteger());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int code = new RolloutWatch(client, new PrintWriter(out, true), new PrintWriter(err, true), false)
                .follow(whoami(2, 1, UpdateState.UPDATING, 2, ""), false, Optional.of(Duration.ofMillis(600)));
        assertThat(code).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(err.toString()).startsWith("Error: timed out after 600ms waiting for the rollout of service "
                + "\"whoami\"");
        assertThat(out.toString().lines()).hasSize(1);
    }

    @Test
    void followOnATerminalRedrawsOneLine() throws IOException {
        ApiClient client = scripted(List.of(whoami(2, 4, UpdateState.COMPLETED, 2, "")), new AtomicInteger());
        StringWriter out = new StringWriter();
        int code = new RolloutWatch(client, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), true)
                .follow(whoami(2, 3, UpdateState.UPDATING, 2, ""), false, Optional.empty());
        assertThat(code).isZero();
        assertThat(out.toString()).isEqualTo("\rWaiting for rollout of service \"whoami\" (revision 2): 3 of 4 tasks"
                + " updated...\nservice \"whoami\" successfully rolled out (revision 2)\n");
    }
}
