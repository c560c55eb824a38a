package dev.berth.api;

/**
 * A soft placement rule: spread tasks evenly over the values of a node label, as Swarm's
 * {@code --placement-pref spread=node.labels.zone}.
 *
 * @param spread the node attribute to spread over, e.g. {@code node.labels.zone}
 */
public record PlacementPreference(String spread) {

    public PlacementPreference {
        spread = spread == null ? "" : spread;
    }
}
