package dev.berth.api;

/**
 * An amount of CPU and memory, as reserved or limited for a task, or offered by a node.
 *
 * @param cpus number of CPUs (fractions allowed, e.g. 0.25)
 * @param memory amount of memory
 */
public record ResourceList(double cpus, ByteSize memory) {

    public static final ResourceList NONE = new ResourceList(0, ByteSize.ZERO);

    public ResourceList {
        memory = memory == null ? ByteSize.ZERO : memory;
    }

    public boolean isEmpty() {
        return cpus == 0 && memory.isZero();
    }
}
