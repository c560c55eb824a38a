package dev.berth.manager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link ApiOperations#decodeRollback}: the body of {@code POST /api/v1/services/{name}/rollback}. */
class RollbackBodyTest {

    private static final String JSON = "application/json";

    @Test
    void emptyBodiesMeanThePreviousRevision() {
        assertThat(ApiOperations.decodeRollback("", JSON)).isZero();
        assertThat(ApiOperations.decodeRollback("  \n", JSON)).isZero();
        assertThat(ApiOperations.decodeRollback("{}", JSON)).isZero();
        assertThat(ApiOperations.decodeRollback("{\"toRevision\": null}", JSON)).isZero();
    }

    @Test
    void aRevisionNumberIsRead() {
        assertThat(ApiOperations.decodeRollback("{\"toRevision\": 3}", JSON)).isEqualTo(3);
        assertThat(ApiOperations.decodeRollback("toRevision: 12\n", "application/yaml")).isEqualTo(12);
        assertThat(ApiOperations.decodeRollback("{\"toRevision\": 9007199254740993}", JSON))
                .isEqualTo(9007199254740993L);
    }

    @Test
    void anythingButAPositiveIntegerIsRefusedOnToRevision() {
        for (String body : new String[] {"{\"toRevision\": \"x\"}", "{\"toRevision\": \"2\"}",
            "{\"toRevision\": 0}", "{\"toRevision\": -4}", "{\"toRevision\": 2.5}", "{\"toRevision\": false}",
            "{\"toRevision\": [1]}", "{\"toRevision\": {}}", "{\"toRevision\": 99999999999999999999}",
            "{\"toRevision\": 1e30}"}) {
            assertThatThrownBy(() -> ApiOperations.decodeRollback(body, JSON)).as(body)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.error().code()).isEqualTo(400);
                        assertThat(e.error().field()).isEqualTo("toRevision");
                        assertThat(e.error().message()).startsWith("toRevision: ");
                    });
        }
    }

    @Test
    void otherFieldsAndShapesAreRefused() {
        assertThatThrownBy(() -> ApiOperations.decodeRollback("{\"revision\": 2}", JSON))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.error().field()).isEqualTo("revision");
                    assertThat(e.error().message()).contains("unknown field").contains("toRevision");
                });
        for (String body : new String[] {"[]", "[{\"toRevision\": 1}, {}]", "\"x\"", "3"}) {
            assertThatThrownBy(() -> ApiOperations.decodeRollback(body, "application/yaml")).as(body)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error().code()).isEqualTo(400));
        }
        assertThatThrownBy(() -> ApiOperations.decodeRollback("nope", JSON))
                .satisfies(e -> assertThat(ApiErrors.from(e).code()).isEqualTo(400));
    }
}
