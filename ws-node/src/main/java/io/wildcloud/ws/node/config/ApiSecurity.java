package io.wildcloud.ws.node.config;

import io.wildcloud.ws.common.net.Cidr;
import io.wildcloud.ws.push.callback.CallbackPolicy;
import java.util.List;
import java.util.Set;

/**
 * Who may call the API and where callbacks may go: bearer authentication, callback target networks and response bounds.
 * Each field is one documented setting (README, "Configuration").
 *
 * @param requireAuth {@code api-require-auth}: publish and revoke need {@code Authorization: Bearer <secret>}
 * @param callbackAllowNetworks {@code callback-allow-networks}: networks callbacks may reach although they
 *     are loopback, private, link-local, ... (for local trials and tests); empty by default
 * @param callbackMaxResponseBytes {@code callback-max-response-bytes}: how much of a callback's answer
 *     body is read (and dropped) before the connection is closed
 */
public record ApiSecurity(boolean requireAuth, List<Cidr> callbackAllowNetworks, int callbackMaxResponseBytes) {

    /** This group's settings as the README and {@code --help} document them, in the README's order. */
    public static final List<SettingDefinition> DEFINITIONS = List.of(
            SettingDefinition.of("api-require-auth", "false",
                    "`true`: publish and revoke need `Authorization: Bearer <application secret>` (401 "
                    + "without); recommended on, see [Security](#security). Off, the header is optional and "
                    + "checked when given"),
            SettingDefinition.described("callback-allow-networks", "none",
                    "networks (CIDR list, e.g. `127.0.0.0/8,::1/128`) callbacks may reach although they are "
                    + "loopback, private, link-local, unique-local, ...; for local trials and tests only. The "
                    + "node's own ports stay refused"),
            SettingDefinition.of("callback-max-response-bytes", "65536",
                    "how much of a callback's answer body is read (and dropped: only the status counts) "
                    + "before the connection is closed"));

    /** The setting names this group reads. */
    public static final Set<String> SETTINGS = SettingDefinition.names(DEFINITIONS);

    public ApiSecurity {
        callbackAllowNetworks = List.copyOf(callbackAllowNetworks);
    }

    /** Parses and validates; throws {@link ConfigException} naming the first bad setting. */
    public static ApiSecurity from(Settings settings) {
        return new ApiSecurity(
                settings.bool("api-require-auth", false),
                settings.networks("callback-allow-networks", "127.0.0.0/8,::1/128"),
                settings.integer("callback-max-response-bytes", CallbackPolicy.DEFAULT_MAX_RESPONSE_BYTES, 0,
                        16 * 1024 * 1024));
    }
}
