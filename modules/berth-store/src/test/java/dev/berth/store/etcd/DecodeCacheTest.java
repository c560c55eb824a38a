package dev.berth.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DecodeCacheTest {

    private final DecodeCache cache = new DecodeCache(16);
    private final AtomicInteger decodes = new AtomicInteger();

    private String decode(String value) {
        decodes.incrementAndGet();
        return value;
    }

    @Test
    void theSameKeyAndRevisionIsDecodedOnce() {
        String first = cache.get("/berth/v1/tasks/a", 7, String.class, () -> decode(new String("a@7")));
        String second = cache.get("/berth/v1/tasks/a", 7, String.class, () -> decode("other"));

        assertThat(second).isSameAs(first);
        assertThat(decodes).hasValue(1);
    }

    @Test
    void anotherRevisionOrKeyIsDecodedAgain() {
        cache.get("/k", 7, String.class, () -> decode("k@7"));

        assertThat(cache.get("/k", 8, String.class, () -> decode("k@8"))).isEqualTo("k@8");
        assertThat(cache.get("/j", 7, String.class, () -> decode("j@7"))).isEqualTo("j@7");
        assertThat(decodes).hasValue(3);
    }

    @Test
    void aValueOfAnotherTypeIsNotReturned() {
        cache.get("/k", 1, String.class, () -> decode("text"));

        assertThat(cache.get("/k", 1, Integer.class, () -> 42)).isEqualTo(42);
    }

    @Test
    void collidingEntriesReplaceEachOtherButStayCorrect() {
        for (int i = 0; i < 1000; i++) {
            int n = i;
            assertThat(cache.get("/k" + (n % 50), n, String.class, () -> "v" + n)).isEqualTo("v" + n);
        }
    }
}
