package io.wildcloud.ws.node.config;

import java.util.Set;

/**
 * What a websocket peer and a browser origin may do: control-frame rates, write backlog, allowed origins.
 * Each field is one documented setting (README, "Configuration").
 */
public record WebSocketPolicy() {

    /** The setting names this group reads. */
    public static final Set<String> SETTINGS = Set.of();

    /** Parses and validates; throws {@link ConfigException} naming the first bad setting. */
    public static WebSocketPolicy from(Settings settings) {
        return new WebSocketPolicy();
    }
}
