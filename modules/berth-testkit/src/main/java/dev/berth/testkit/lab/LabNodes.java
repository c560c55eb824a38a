package dev.berth.testkit.lab;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The shape of the lab {@link LabExtension} builds for a test class: how many nodes, and whether
 * they run Berth. Without it a class gets {@value #DEFAULT_NODES} nodes running Berth.
 *
 * <pre>{@code
 * @ExtendWith(LabExtension.class)
 * @LabNodes(3)
 * class FailoverIT { ... }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface LabNodes {

    /** The node count when a class has no {@code @LabNodes}. */
    int DEFAULT_NODES = 3;

    /** How many nodes the lab starts with (1..200). */
    int value() default DEFAULT_NODES;

    /**
     * Whether the nodes run Berth (node 1 {@code berth init}, the others an agent); {@code false}
     * gives bare namespaces with Docker engines ({@code lab.sh up N --no-berth}), e.g. for a Swarm.
     */
    boolean berth() default true;
}
