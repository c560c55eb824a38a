package dev.berth.controllers.service;

import dev.berth.api.ObjectMeta;
import dev.berth.api.Service;

/** Small edits of test services. */
final class Fixtures2 {

    private Fixtures2() {
    }

    static Service withUid(Service s, String uid) {
        ObjectMeta m = s.metadata();
        return s.withMetadata(new ObjectMeta(m.name(), m.labels(), m.annotations(), uid, m.resourceVersion(),
                m.generation(), m.creationTimestamp()));
    }

    static Service withGeneration(Service s, long generation) {
        return s.withMetadata(s.metadata().withGeneration(generation));
    }
}
