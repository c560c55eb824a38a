package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.api.codec.Codec;
import dev.berth.api.validation.FieldError;
import dev.berth.api.validation.Validation;
import dev.berth.api.validation.ValidationException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ValidationTest {

    private static List<FieldError> errorsOf(String spec) {
        return errorsOf("s", spec);
    }

    private static List<FieldError> errorsOf(String name, String spec) {
        ApiObject o = Codec.decodeAll("apiVersion: berth.dev/v1\nkind: Service\nmetadata: { name: '" + name
                + "' }\nspec: " + spec + "\n").get(0);
        return Validation.validate(o);
    }

    @Test
    void aPlainServiceIsValid() {
        assertThat(errorsOf("{ image: busybox }")).isEmpty();
        assertThat(errorsOf("{ image: busybox, replicas: 0 }")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "negative replicas   | { image: x, replicas: -1 }                    | spec.replicas: must be >= 0, got -1",
        "missing image       | { replicas: 1 }                               | spec.image: required",
        "global replicas     | { image: x, mode: global, replicas: 3 }       | spec.replicas: must not be set for a global service",
        "port too high       | '{ image: x, ports: [ { published: 70000, target: 80 } ] }' | spec.ports[0].published: must be between 1 and 65535",
        "target zero         | '{ image: x, ports: [ { published: 80, target: 0 } ] }'     | spec.ports[0].target: must be between 1 and 65535, got 0",
        "port twice          | '{ image: x, ports: [ { published: 80, target: 1 }, { published: 80, target: 2 } ] }' | spec.ports[1].published: port 80/tcp is published twice",
        "bad constraint      | '{ image: x, placement: { constraints: [ \"zone = a\" ] } }' | spec.placement.constraints[0]: expected",
        "negative max        | '{ image: x, placement: { maxReplicasPerNode: -2 } }'       | spec.placement.maxReplicasPerNode: must be >= 0, got -2",
        "bad preference      | '{ image: x, placement: { preferences: [ { spread: zone } ] } }' | spec.placement.preferences[0].spread: must name a node label",
        "negative parallel   | '{ image: x, update: { parallelism: -1 } }'  | spec.update.parallelism: must be >= 0, got -1",
        "failure ratio       | '{ image: x, update: { maxFailureRatio: 2 } }' | spec.update.maxFailureRatio: must be between 0 and 1",
        "negative force      | '{ image: x, forceUpdate: -1 }'              | spec.forceUpdate: must be >= 0, got -1",
        "reserve over limit  | '{ image: x, resources: { reservations: { memory: 2Gi }, limits: { memory: 1Gi } } }' | spec.resources.reservations.memory: reserves 2Gi, more than the limit 1Gi",
        "negative cpus       | '{ image: x, resources: { reservations: { cpus: -1 } } }' | spec.resources.reservations.cpus: must be >= 0",
        "bad env name        | '{ image: x, env: { \"1A\": b } }'           | spec.env: invalid variable name",
    })
    void namesTheField(String what, String spec, String expected) {
        assertThat(errorsOf(spec)).extracting(FieldError::toString).anySatisfy(e -> assertThat(e).startsWith(expected));
    }

    @ParameterizedTest
    @CsvSource({"Web", "web_1", "-web", "web-", "a.b", "''"})
    void namesMustBeDnsLabels(String name) {
        assertThat(errorsOf(name, "{ image: x }")).extracting(FieldError::field).containsExactly("metadata.name");
    }

    @Test
    void requireListsEveryProblem() {
        Service bad = Service.of(ObjectMeta.named("Bad Name"), ServiceSpec.ofImage("").withReplicas(-3));
        assertThatThrownBy(() -> Validation.require(bad))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("metadata.name: must be a DNS label")
                .hasMessageContaining("spec.image: required")
                .hasMessageContaining("spec.replicas: must be >= 0, got -3")
                .satisfies(e -> assertThat(((ValidationException) e).field()).isEqualTo("metadata.name"));
    }

    @Test
    void labelKeysAreChecked() {
        Service s = Service.of(ObjectMeta.named("s").withLabels(java.util.Map.of("bad key", "v")),
                ServiceSpec.ofImage("x"));
        assertThat(Validation.validate(s)).extracting(FieldError::field)
                .containsExactly("metadata.labels[\"bad key\"]");
        assertThat(Validation.isLabelKey("berth.dev/role")).isTrue();
        assertThat(Validation.isLabelKey("zone")).isTrue();
        assertThat(Validation.isLabelKey("-zone")).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "zone                  | true",
        "z                     | true",
        "Zone.Rack_2           | true",
        "com.Example/Disk-Type | true",
        "a/b/c                 | true",
        "'bad key'             | false",
        "-zone                 | false",
        "zone.                 | false",
        "_x                    | false",
        "a=b                   | false",
        "'a:b'                 | false",
    })
    void labelKeyRule(String key, boolean valid) {
        assertThat(Validation.isLabelKey(key)).isEqualTo(valid);
        assertThat(Validation.labelKeyProblem(key).isEmpty()).isEqualTo(valid);
    }

    @org.junit.jupiter.api.Test
    void labelKeyLengthAndEmptiness() {
        assertThat(Validation.isLabelKey("k".repeat(253))).isTrue();
        assertThat(Validation.labelKeyProblem("k".repeat(254))).hasValueSatisfying(m -> assertThat(m).contains("253"));
        assertThat(Validation.labelKeyProblem("")).hasValueSatisfying(m -> assertThat(m).contains("empty"));
    }

    private static List<FieldError> networkErrors(String containerCidr, Integer prefix, String serviceCidr) {
        Cluster c = new Cluster(null, null, null, new ClusterSpec(5, null,
                new NetworkSpec(containerCidr, prefix, serviceCidr)), null);
        return Validation.validate(c);
    }

    @Test
    void theDefaultNetworkAndAnotherPlanAreValid() {
        assertThat(networkErrors(null, null, null)).isEmpty();
        assertThat(networkErrors("172.30.0.0/16", 26, "172.31.0.0/20")).isEmpty();
        assertThat(networkErrors("10.42.0.0/24", 24, "10.43.0.0/16")).isEmpty();
        assertThat(networkErrors("10.42.0.0/16", 30, "10.43.0.0/16")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not a cidr          | 10.42.0.0    | 24 | 10.43.0.0/16   | spec.network.containerCidr: \"10.42.0.0\" is not a CIDR",
        "host bits           | 10.42.0.1/16 | 24 | 10.43.0.0/16   | spec.network.containerCidr: \"10.42.0.1/16\" has host bits set",
        "bad service cidr    | 10.42.0.0/16 | 24 | 10.43.0.300/16 | spec.network.serviceCidr: \"10.43.0.300/16\" is not a CIDR",
        "prefix too short    | 10.42.0.0/16 | 8  | 10.43.0.0/16   | spec.network.nodeSubnetPrefix: must be between 16 (the prefix of containerCidr 10.42.0.0/16) and 30, got 8",
        "prefix too long     | 10.42.0.0/16 | 31 | 10.43.0.0/16   | spec.network.nodeSubnetPrefix: must be between 16",
        "overlap             | 10.0.0.0/8   | 24 | 10.43.0.0/16   | spec.network.serviceCidr: serviceCidr 10.43.0.0/16 overlaps containerCidr 10.0.0.0/8",
        "same range          | 10.42.0.0/16 | 24 | 10.42.0.0/16   | spec.network.serviceCidr: serviceCidr 10.42.0.0/16 overlaps containerCidr 10.42.0.0/16",
    })
    void aBadNetworkNamesTheField(String what, String container, int prefix, String service, String expected) {
        assertThat(networkErrors(container, prefix, service)).extracting(FieldError::toString)
                .anySatisfy(e -> assertThat(e).startsWith(expected));
    }

    @Test
    void theNetworkOfAClusterManifestIsRead() {
        ApiObject o = Codec.decodeAll("""
                apiVersion: berth.dev/v1
                kind: Cluster
                metadata: {name: default}
                spec: {network: {containerCidr: 10.42.0.0/16, serviceCidr: 10.42.128.0/17}}
                """).get(0);
        assertThat(Validation.validate(o)).extracting(FieldError::field).containsExactly("spec.network.serviceCidr");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "two probes          | '{ image: x, healthCheck: { cmd: [true], tcp: { port: 80 } } }' | spec.healthCheck: has cmd and tcp: a health check needs exactly one",
        "three probes        | '{ image: x, healthCheck: { cmd: [true], httpGet: { port: 80 }, tcp: { port: 80 } } }' | spec.healthCheck: has cmd and httpGet and tcp",
        "zero retries        | '{ image: x, healthCheck: { cmd: [true], retries: 0 } }'    | spec.healthCheck.retries: must be >= 1, got 0",
        "timings, no probe   | '{ image: x, healthCheck: { interval: 5s } }'              | spec.healthCheck: needs one of cmd, httpGet or tcp",
        "zero interval       | '{ image: x, healthCheck: { cmd: [true], interval: 0s } }'  | spec.healthCheck.interval: must be > 0s, got 0s",
        "zero timeout        | '{ image: x, healthCheck: { tcp: { port: 80 }, timeout: 0s } }' | spec.healthCheck.timeout: must be > 0s, got 0s",
        "http port zero      | '{ image: x, healthCheck: { httpGet: { port: 0 } } }'       | spec.healthCheck.httpGet.port: must be between 1 and 65535, got 0",
        "tcp port too high   | '{ image: x, healthCheck: { tcp: { port: 65536 } } }'       | spec.healthCheck.tcp.port: must be between 1 and 65535, got 65536",
        "path without slash  | '{ image: x, healthCheck: { httpGet: { port: 80, path: healthz } } }' | spec.healthCheck.httpGet.path: must start with \"/\", got \"healthz\"",
        "blank program       | '{ image: x, healthCheck: { cmd: [\"\"] } }'              | spec.healthCheck.cmd[0]: must name a program",
    })
    void aBadHealthCheckNamesTheField(String what, String spec, String expected) {
        assertThat(errorsOf(spec)).extracting(FieldError::toString).anySatisfy(e -> assertThat(e).startsWith(expected));
    }

    @Test
    void goodHealthChecksAndInitAreValid() {
        assertThat(errorsOf("{ image: x, healthCheck: { cmd: [/bin/sh, -c, 'wget -q -O- localhost'], interval: 5s,"
                + " timeout: 2s, retries: 1, startPeriod: 0s }, init: true }")).isEmpty();
        assertThat(errorsOf("{ image: x, healthCheck: { httpGet: { port: 8080, path: /healthz } } }")).isEmpty();
        assertThat(errorsOf("{ image: x, healthCheck: { httpGet: { port: 8080 } } }")).isEmpty();
        assertThat(errorsOf("{ image: x, healthCheck: { tcp: { port: 65535 }, startPeriod: 30s } }")).isEmpty();
        // (an empty healthCheck, {} or {cmd: []}, is refused when decoded: CodecTest)
    }

    @Test
    void everyHealthProblemIsListed() {
        assertThat(errorsOf("{ image: x, healthCheck: { tcp: { port: 0 }, interval: 0s, timeout: 0s, retries: 0 } }"))
                .extracting(FieldError::field).containsExactly("spec.healthCheck.tcp.port",
                        "spec.healthCheck.interval", "spec.healthCheck.timeout", "spec.healthCheck.retries");
    }
}
