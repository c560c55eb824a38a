package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.codec.Codec;
import dev.berth.api.codec.DecodeException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CodecTest {

    private static final String WHOAMI = """
            apiVersion: berth.dev/v1
            kind: Service
            metadata:
              name: whoami
              labels: { app: whoami }
            spec:
              image: berth-examples/whoami:1
              replicas: 3
              ports: [ { published: 4567, target: 4567 } ]
              resources: { reservations: { cpus: 0.25, memory: 64Mi }, limits: { memory: 128Mi } }
              update: { parallelism: 2, delay: 10s }
            """;

    @Test
    void decodesAServiceAndFillsSwarmDefaults() {
        Service s = (Service) Codec.decodeAll(WHOAMI).get(0);
        assertThat(s.name()).isEqualTo("whoami");
        assertThat(s.metadata().labels()).containsEntry("app", "whoami");
        assertThat(s.spec().replicas()).isEqualTo(3);
        assertThat(s.spec().mode()).isEqualTo(ServiceMode.REPLICATED);
        assertThat(s.spec().ports()).containsExactly(new PortConfig(4567, 4567, Protocol.TCP, PublishMode.INGRESS));
        assertThat(s.spec().resources().reservations().memory()).isEqualTo(ByteSize.ofMebibytes(64));
        assertThat(s.spec().update().parallelism()).isEqualTo(2);
        assertThat(s.spec().update().delay()).isEqualTo(Duration.ofSeconds(10));
        // Swarm's defaults for what was not written
        assertThat(s.spec().update().failureAction()).isEqualTo(FailureAction.PAUSE);
        assertThat(s.spec().update().monitor()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.spec().update().order()).isEqualTo(UpdateOrder.STOP_FIRST);
        assertThat(s.spec().restartPolicy().condition()).isEqualTo(RestartCondition.ANY);
        assertThat(s.spec().restartPolicy().delay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.spec().stopGracePeriod()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.spec().endpointMode()).isEqualTo(EndpointMode.VIP);
    }

    @Test
    void yamlAndJsonRoundTripToTheSameObject() {
        Service s = (Service) Codec.decodeAll(WHOAMI).get(0);
        assertThat(Codec.decodeAll(Codec.toYaml(s))).containsExactly(s);
        assertThat(Codec.decodeAll(Codec.toJson(s))).containsExactly(s);
        assertThat(Codec.fromJsonBytes(Codec.toJsonBytes(s), Kind.SERVICE)).isEqualTo(s);
    }

    @Test
    void emptyValuesInMapsSurviveARoundTrip() {
        Service s = (Service) Codec.decodeAll("""
                apiVersion: berth.dev/v1
                kind: Service
                metadata: { name: web, labels: { ssd: "" } }
                spec: { image: busybox, env: { FOO: "" } }
                """).get(0);
        Service back = Codec.fromJsonBytes(Codec.toJsonBytes(s), Kind.SERVICE);
        assertThat(back.metadata().labels()).containsEntry("ssd", "");
        assertThat(back.spec().env()).containsEntry("FOO", "");
        assertThat(Codec.decodeAll(Codec.toYaml(s))).containsExactly(s);
    }

    @Test
    void readsEveryDocumentOfAStreamAndSkipsEmptyOnes() {
        String two = "---\n" + WHOAMI + "---\n---\n" + WHOAMI.replace("whoami", "other");
        List<ApiObject> objects = Codec.decodeAll(two);
        assertThat(objects).extracting(ApiObject::name).containsExactly("whoami", "other");
    }

    @Test
    void aGlobalServiceHasNoReplicasByDefault() {
        Service s = (Service) Codec.decodeAll("""
                apiVersion: berth.dev/v1
                kind: Service
                metadata: { name: agent }
                spec: { image: busybox, mode: global }
                """).get(0);
        assertThat(s.spec().replicas()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown field       | spec: { image: x, replica: 3 }                 | spec.replica: unknown field",
        "wrong type          | spec: { image: x, replicas: three }            | spec.replicas: expected an integer, got",
        "float for int       | spec: { image: x, replicas: 2.5 }              | spec.replicas: expected an integer",
        "string for int      | 'spec: { image: x, replicas: \"3\" }'          | spec.replicas: expected an integer",
        "bad duration        | spec: { image: x, update: { delay: soon } }    | spec.update.delay: expected a duration like 5s",
        "number duration     | spec: { image: x, update: { monitor: 5 } }     | spec.update.monitor: expected a duration",
        "bad enum            | spec: { image: x, mode: sometimes }            | spec.mode: expected one of replicated, global",
        "bad size            | 'spec: { image: x, resources: { limits: { memory: lots } } }' | spec.resources.limits.memory: expected a size",
        "bad port in list    | 'spec: { image: x, ports: [ { target: http } ] }' | spec.ports[0].target: expected an integer",
        "list for map        | 'spec: { image: x, env: [ A ] }'               | spec.env: expected a mapping",
    })
    void wrongFieldsAreRejectedWithTheirPath(String what, String specLine, String expected) {
        String doc = "apiVersion: berth.dev/v1\nkind: Service\nmetadata: { name: s }\n" + specLine + "\n";
        assertThatThrownBy(() -> Codec.decodeAll(doc))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void unknownKindAndVersionAreNamed() {
        assertThatThrownBy(() -> Codec.decodeAll("apiVersion: berth.dev/v1\nkind: Deployment\nmetadata: {name: a}\n"))
                .hasMessage("kind: unknown kind \"Deployment\": known kinds are Service, Task, Node, Cluster, Endpoints, ServiceRevision");
        assertThatThrownBy(() -> Codec.decodeAll("apiVersion: apps/v1\nkind: Service\n"))
                .hasMessageStartingWith("apiVersion: unsupported version \"apps/v1\"");
        assertThatThrownBy(() -> Codec.decodeAll("kind: Service\n"))
                .hasMessageStartingWith("apiVersion: required");
    }

    @Test
    void malformedYamlSaysWhere() {
        assertThatThrownBy(() -> Codec.decodeAll("apiVersion: berth.dev/v1\nkind: [Service\n"))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("malformed YAML or JSON at line");
        assertThatThrownBy(() -> Codec.decodeAll("{\"apiVersion\": "))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("malformed");
    }

    @Test
    void duplicateKeysAreRejected() {
        assertThatThrownBy(() -> Codec.decodeAll(
                "apiVersion: berth.dev/v1\nkind: Service\nmetadata: {name: a}\nspec: {image: x, image: y}\n"))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("image");
    }

    @Test
    void theSecondBadDocumentIsNamed() {
        String docs = WHOAMI + "---\napiVersion: berth.dev/v1\nkind: Service\nmetadata: {name: b}\nspec: {image: x, foo: 1}\n";
        assertThatThrownBy(() -> Codec.decodeAll(docs))
                .hasMessage("spec.foo: document 2: unknown field (known fields: args, command, endpointMode, env, forceUpdate, healthCheck,"
                        + " image, init, mode, placement, ports, replicas, resources, restartPolicy, rollback, stopGracePeriod,"
                        + " stopSignal, update)");
    }

    @Test
    void writesDurationsAndSizesTheWayUsersDo() {
        Service s = (Service) Codec.decodeAll(WHOAMI).get(0);
        String yaml = Codec.toYaml(s);
        assertThat(yaml).contains("delay: 10s").contains("memory: 64Mi").contains("stopGracePeriod: 10s")
                .doesNotContain("PT");
    }

    @Test
    void aHealthCheckWithoutAProbeIsRefusedNotDropped() {
        // ({interval: 5s} binds to a health check without a probe, which Validation refuses)
        for (String check : new String[] {"{}", "{cmd: []}"}) {
            assertThatThrownBy(() -> Codec.decodeAll("apiVersion: berth.dev/v1\nkind: Service\nmetadata: {name: a}\n"
                    + "spec: {image: x, healthCheck: " + check + "}\n"))
                    .as(check).isInstanceOf(DecodeException.class)
                    .hasMessageContaining("spec.healthCheck").hasMessageContaining("needs one of cmd, httpGet or tcp");
        }
        assertThat(Codec.decodeAll("apiVersion: berth.dev/v1\nkind: Service\nmetadata: {name: a}\n"
                + "spec: {image: x, healthCheck: {tcp: {port: 80}}}\n")).hasSize(1);
    }
}
