package io.wildcloud.ws.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.node.BuildInfo;
import io.wildcloud.ws.node.config.SettingDefinition;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The options {@code --help} documents are the ones {@link LoadOptions#parse} knows, with the same defaults. */
class LoadOptionsTest {

    @Test
    void everyDocumentedDefaultIsTheDefaultInForce() {
        LoadOptions defaults = LoadOptions.parse(new String[0]);
        String[] explicit = LoadOptions.OPTIONS.stream()
                .map(option -> "--" + option.name() + "=" + option.defaultValue()).toArray(String[]::new);
        assertEquals(defaults, LoadOptions.parse(explicit));
        assertEquals(List.of(URI.create("http://127.0.0.1:8080")), defaults.publicUrls());
        assertEquals(100, defaults.sessions());
        assertEquals(Duration.ofSeconds(30), defaults.duration());
    }

    @Test
    void anUndocumentedOptionIsRefusedWithTheUsage() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--sessions=5", "--sesions=5"}));
        assertTrue(refused.getMessage().startsWith("unknown option --sesions\nUsage: java -jar ws-it-" + BuildInfo.current().version() + "-loadgen.jar"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("\n  --transports\n      default: websocket:2,xhr-streaming:1,xhr-polling:1\n"),
                refused.getMessage());
    }

    @Test
    void helpStartsWithTheVersionAndListsEveryOption() {
        String help = LoadOptions.help(new BuildInfo("1.2.3", "abcdef123456"));
        assertTrue(help.startsWith("wildcloud-websockets loadgen 1.2.3 (commit abcdef123456)\n\nUsage: "), help);
        for (SettingDefinition option : LoadOptions.OPTIONS) {
            assertTrue(help.contains("\n  --" + option.name() + "\n      default: " + option.defaultValue() + "\n"), option.name());
        }
        assertTrue(help.contains("\n      true (or --json alone): print the result as one JSON object on stdout\n"), help);
    }

    @Test
    void theCloseFileIsTakenAndAbsentByDefault() {
        assertEquals(java.nio.file.Path.of("/tmp/many/close"), LoadOptions.parse(new String[] {"--close-file=/tmp/many/close"}).closeFile());
        assertEquals(null, LoadOptions.parse(new String[0]).closeFile());
    }

    @Test
    void aFlagWithoutValueMeansTrue() {
        assertTrue(LoadOptions.parse(new String[] {"--json"}).json());
    }
}
