package dev.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.ApiObject;
import dev.berth.api.Service;
import dev.berth.api.codec.Codec;
import dev.berth.cli.Berth;
import dev.berth.cli.CliEnvironment;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code service create} flags must build exactly the Service that {@code apply -f} of the
 * equivalent YAML decodes to: the rule that lets {@code get -o yaml} print back either.
 */
class ServiceCreateFlagsTest {

    static Service parse(String... args) {
        CommandLine cmd = Berth.commandLine(CliEnvironment.ofHome(Path.of("/nonexistent")));
        CommandLine.ParseResult result = cmd.parseArgs(args);
        ServiceCreateCommand create = (ServiceCreateCommand) result.subcommand().subcommand().commandSpec().userObject();
        return create.flags().toService();
    }

    static Service yaml(String text) {
        List<ApiObject> objects = Codec.decodeAll(text);
        assertThat(objects).hasSize(1);
        return (Service) objects.get(0);
    }

    @Test
    void minimalServiceEqualsMinimalYaml() {
        assertThat(parse("service", "create", "--name", "web", "nginx:1"))
                .isEqualTo(yaml("""
                        apiVersion: berth.dev/v1
                        kind: Service
                        metadata: {name: web}
                        spec: {image: "nginx:1"}
                        """));
    }

    @Test
    void everyFlagEqualsItsYaml() {
        Service fromFlags = parse("service", "create", "--name", "whoami",
                "-p", "4567:4567", "-p", "53:53/udp", "--replicas", "3",
                "-e", "GREETING=hi", "-e", "EMPTY=", "-e", "EQ=a=b",
                "-l", "app=whoami", "--label", "tier=web",
                "--constraint", "node.labels.zone == a", "--constraint", "node.role != manager",
                "--reserve-cpu", "0.25", "--reserve-memory", "64Mi", "--limit-memory", "128Mi", "--limit-cpu", "1",
                "--max-replicas-per-node", "2", "--placement-pref", "spread=node.labels.zone",
                "berth/whoami:1", "sh", "-c", "echo hi; sleep 1");
        Service fromYaml = yaml("""
                apiVersion: berth.dev/v1
                kind: Service
                metadata:
                  name: whoami
                  labels: {app: whoami, tier: web}
                spec:
                  image: berth/whoami:1
                  replicas: 3
                  args: [sh, -c, "echo hi; sleep 1"]
                  env: {GREETING: hi, EMPTY: "", EQ: "a=b"}
                  ports:
                    - {published: 4567, target: 4567}
                    - {published: 53, target: 53, protocol: udp}
                  resources:
                    reservations: {cpus: 0.25, memory: 64Mi}
                    limits: {cpus: 1.0, memory: 128Mi}
                  placement:
                    constraints: ["node.labels.zone == a", "node.role != manager"]
                    maxReplicasPerNode: 2
                    preferences: [{spread: node.labels.zone}]
                """);
        assertThat(fromFlags).isEqualTo(fromYaml);
    }

    @Test
    void globalModeWithoutReplicasEqualsYaml() {
        assertThat(parse("service", "create", "--name", "agent", "--mode", "global", "agent:1"))
                .isEqualTo(yaml("""
                        apiVersion: berth.dev/v1
                        kind: Service
                        metadata: {name: agent}
                        spec: {image: "agent:1", mode: global}
                        """));
    }

    @Test
    void onlySomeResourcesAndPlacementEqualYaml() {
        assertThat(parse("service", "create", "--name", "db", "--reserve-memory", "1Gi", "--constraint",
                "node.hostname == h1", "db:1"))
                .isEqualTo(yaml("""
                        apiVersion: berth.dev/v1
                        kind: Service
                        metadata: {name: db}
                        spec:
                          image: "db:1"
                          resources: {reservations: {memory: 1Gi}}
                          placement: {constraints: ["node.hostname == h1"]}
                        """));
    }

    @Test
    void optionsAfterTheImageBelongToTheCommandEvenInAPlainCommandLine() {
        CommandLine plain = new CommandLine(new Berth(CliEnvironment.ofHome(Path.of("/nonexistent"))));
        CommandLine.ParseResult result = plain.parseArgs("service", "create", "--name", "x", "img:1", "sh", "-c",
                "ls --all", "--replicas", "3");
        ServiceCreateCommand create = (ServiceCreateCommand) result.subcommand().subcommand().commandSpec().userObject();
        Service s = create.flags().toService();
        assertThat(s.spec().args()).containsExactly("sh", "-c", "ls --all", "--replicas", "3");
        assertThat(s.spec().replicas()).isEqualTo(1);
        // other commands still take options after positional parameters
        CommandLine.ParseResult get = plain.parseArgs("get", "svc", "-o", "yaml");
        assertThat(get.subcommand().hasMatchedOption("-o")).isTrue();
    }

    @Test
    void badFlagValuesAreUsageErrors() {
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "-p", "80:http", "img"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("PUBLISHED:TARGET");
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "-p", "80:80/sctp", "img"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("tcp or udp");
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "--reserve-memory", "lots", "img"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("64Mi");
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "--mode", "daemon", "img"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("replicated or global");
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "-e", "NOVALUE", "img"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "--placement-pref", "pack=x", "img"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("spread=");
        assertThatThrownBy(() -> parse("service", "create", "img"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--name");
    }

    @Test
    void healthFlagsAndInitEqualTheirYaml() {
        assertThat(parse("service", "create", "--name", "web", "--health-cmd", "wget -q -O- localhost:4567",
                "--health-interval", "5s", "--health-timeout", "2s", "--health-retries", "2",
                "--health-start-period", "1m30s", "--init", "web:1"))
                .isEqualTo(yaml("""
                        apiVersion: berth.dev/v1
                        kind: Service
                        metadata: {name: web}
                        spec:
                          image: "web:1"
                          init: true
                          healthCheck:
                            cmd: [/bin/sh, -c, "wget -q -O- localhost:4567"]
                            interval: 5s
                            timeout: 2s
                            retries: 2
                            startPeriod: 1m30s
                        """));
        // unset timings are the YAML's absent fields: Docker's defaults
        Service http = parse("service", "create", "--name", "web", "--health-http", "8080/healthz", "web:1");
        assertThat(http).isEqualTo(yaml("""
                apiVersion: berth.dev/v1
                kind: Service
                metadata: {name: web}
                spec: {image: "web:1", healthCheck: {httpGet: {port: 8080, path: /healthz}}}
                """));
        assertThat(http.spec().healthCheck().interval()).hasSeconds(30);
        assertThat(http.spec().init()).isFalse();
        assertThat(parse("service", "create", "--name", "web", "--health-http", "8080", "web:1").spec().healthCheck()
                .httpGet().orElseThrow().path()).isEqualTo("/");
        assertThat(parse("service", "create", "--name", "db", "--health-tcp", "5432", "--health-retries", "5", "db:1"))
                .isEqualTo(yaml("""
                        apiVersion: berth.dev/v1
                        kind: Service
                        metadata: {name: db}
                        spec: {image: "db:1", healthCheck: {tcp: {port: 5432}, retries: 5}}
                        """));
    }

    @Test
    void healthCmdIsRunByTheShellAndEveryFlagAfterTheImageIsTheCommand() {
        Service s = parse("service", "create", "--name", "x", "--health-cmd", "test -f /tmp/ok || exit 1", "img:1",
                "--health-tcp", "80");
        assertThat(s.spec().healthCheck().cmd()).containsExactly("/bin/sh", "-c", "test -f /tmp/ok || exit 1");
        assertThat(s.spec().healthCheck().tcp()).isEmpty();
        assertThat(s.spec().args()).containsExactly("--health-tcp", "80");
    }

    @Test
    void badHealthFlagsAreUsageErrorsNamingTheFlag() {
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "--health-cmd", "true", "--health-tcp",
                "80", "img")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--health-cmd and --health-tcp").hasMessageContaining("one of");
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "--health-http", "80", "--health-tcp",
                "80", "img")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--health-http and --health-tcp");
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "--health-interval", "5s", "img"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageStartingWith("--health-interval needs a probe");
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "--health-retries", "2", "img"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageStartingWith("--health-retries needs a probe");
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "--health-start-period", "5s", "img"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageStartingWith("--health-start-period needs a probe");
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "--health-cmd", "true",
                "--health-timeout", "soon", "img")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageStartingWith("--health-timeout: expected a duration");
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "--health-http", "http/x", "img"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--health-http \"http/x\"").hasMessageContaining("8080/healthz");
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "--health-tcp", "70000", "img"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--health-tcp \"70000\": expected a port between 1 and 65535");
        assertThatThrownBy(() -> parse("service", "create", "--name", "x", "--health-cmd", " ", "img"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--health-cmd must not be empty");
    }
}
