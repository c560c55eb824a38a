package dev.berth.store;

import dev.berth.api.ApiObject;
import dev.berth.api.Kind;

/** One operation of a {@link ObjectStore#commit transaction}. */
public sealed interface WriteOp {

    /** Store a new object; fails the transaction if it exists. */
    record Create(ApiObject object) implements WriteOp {
    }

    /** Replace an object whose stored resourceVersion equals the one it carries. */
    record Update(ApiObject object) implements WriteOp {
    }

    /** Delete an object; when {@code expectedVersion} is above 0 only at that version. */
    record Delete(Kind<?> kind, String name, long expectedVersion) implements WriteOp {
    }

    static WriteOp create(ApiObject object) {
        return new Create(object);
    }

    static WriteOp update(ApiObject object) {
        return new Update(object);
    }

    static WriteOp delete(ApiObject object) {
        return new Delete(Kind.of(object), object.name(), object.metadata().resourceVersion());
    }
}
