package dev.berth.agent;

import dev.berth.api.session.SessionMessage;

/**
 * Receives the cluster network map from the session (the seam between
 * {@link dev.berth.agent.session} and the node's networking). Called on the session's thread with
 * each map the manager sends, whole; must not block.
 */
@FunctionalInterface
public interface NetworkMapListener {

    /** Ignores every map: for an agent off the cluster network. */
    NetworkMapListener NONE = map -> {
    };

    /** The network as the node must program it now (it replaces every earlier map). */
    void onNetworkMap(SessionMessage.NetworkMap map);
}
