package dev.berth.agent.executor;

/** Receives the state changes of managed containers; must return quickly (hand blocking work off). */
@FunctionalInterface
public interface ContainerEventListener {

    void onEvent(ContainerEvent event);
}
