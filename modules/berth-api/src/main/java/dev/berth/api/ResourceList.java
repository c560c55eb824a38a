package dev.berth.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An amount of CPU and memory, as reserved or limited for a task, or offered by a node.
 *
 * @param cpus number of CPUs (fractions allowed, e.g. 0.25)
 * @param memory amount of memory
 */
public record ResourceList(@JsonInclude(JsonInclude.Include.NON_DEFAULT) double cpus, ByteSize memory) {

    public static final ResourceList NONE = new ResourceList(0, ByteSize.ZERO);

    public ResourceList {
        memory = memory == null ? ByteSize.ZERO : memory;
    }

    /** Whether this names no resources at all (then it is left out of YAML and JSON). */
    public boolean isEmpty() {
        return cpus == 0 && memory.isZero();
    }

    /** Jackson's inclusion filter that leaves an empty ResourceList out of the output. */
    public static final class OmitEmpty {
        @Override
        public boolean equals(Object other) {
            return other instanceof ResourceList r && r.isEmpty();
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
