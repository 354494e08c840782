package io.wildcloud.ws.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The documented settings are the ones {@code from()} reads, and the defaults they show are the ones it uses. */
class SettingDefinitionTest {

    @Test
    void fromReadsExactlyTheDefinedSettings() {
        Settings settings = Settings.of(Map.of());
        NodeConfig.from(settings);
        assertEquals(NodeConfig.SETTINGS, settings.namesRead());
    }

    @Test
    void everyGroupReadsItsOwnSettings() {
        assertReads(ConnectionLimits.SETTINGS, ConnectionLimits::from);
        assertReads(WebSocketPolicy.SETTINGS, WebSocketPolicy::from);
        assertReads(ApiSecurity.SETTINGS, ApiSecurity::from);
    }

    /** Writing a shown default as the setting's value changes nothing: README and code agree on defaults. */
    @Test
    void shownDefaultsAreTheDefaultsInForce() {
        Map<String, String> base = Map.of("node-id", "fixed");
        String defaults = NodeConfig.from(Settings.of(base)).toString();
        int checked = 0;
        for (SettingDefinition definition : NodeConfig.ALL_DEFINITIONS) {
            if (definition.defaultValue() == null) {
                continue;
            }
            Map<String, String> given = new HashMap<>(base);
            given.put(definition.name(), definition.defaultValue());
            assertEquals(defaults, NodeConfig.from(Settings.of(given)).toString(), definition.name());
            checked++;
        }
        assertTrue(checked >= 30, "settings whose default is a value: " + checked);
    }

    @Test
    void theShownDefaultIsCheckedForReal() {
        Map<String, String> given = Map.of("node-id", "fixed", "heartbeat-interval", "26s");
        String defaults = NodeConfig.from(Settings.of(Map.of("node-id", "fixed"))).toString();
        assertNotEquals(defaults, NodeConfig.from(Settings.of(given)).toString());
    }

    @Test
    void plainTextDropsMarkdown() {
        assertEquals("SockJS for browsers, the health checks, /sockjs-client/sockjs.min.js",
                SettingDefinition.plain("SockJS for browsers, the [health checks](#health-checks), `/sockjs-client/sockjs.min.js`"));
        assertEquals("see docs/push-api.md and the guide (docs/guide.md)",
                SettingDefinition.plain("see [docs/push-api.md](docs/push-api.md) and [the guide](docs/guide.md)"));
        assertEquals("redis://..., 16-256 characters", SettingDefinition.plain("`redis://…`, 16–256 characters"));
    }

    @Test
    void aValueDefaultIsShownAsCode() {
        SettingDefinition port = SettingDefinition.of("public-port", "8080", "meaning");
        assertEquals("| `public-port` | `8080` | meaning |", port.markdownRow());
        assertEquals("| `node-id` | random | m |", SettingDefinition.described("node-id", "random", "m").markdownRow());
    }

    @Test
    void aNameDefinedTwiceIsRefused() {
        SettingDefinition once = SettingDefinition.of("a", "1", "m");
        assertThrows(IllegalStateException.class, () -> SettingDefinition.names(List.of(once, once)));
    }

    private static void assertReads(Set<String> expected, Consumer<Settings> from) {
        Settings settings = Settings.of(Map.of());
        from.accept(settings);
        assertEquals(expected, settings.namesRead());
    }
}
