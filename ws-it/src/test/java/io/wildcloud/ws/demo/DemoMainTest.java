package io.wildcloud.ws.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.node.BuildInfo;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's flags: the documented defaults are the ones in force, and an unknown flag is refused. */
class DemoMainTest {

    @Test
    void documentedDefaultsAreInForce() {
        assertEquals(Map.of("host", "127.0.0.1", "port", "8090", "public-port", "8080", "api-port", "8081"),
                DemoMain.parse(new String[0]));
        assertEquals("9000", DemoMain.parse(new String[] {"--port=9000"}).get("port"));
        assertEquals("http://n:1", DemoMain.parse(new String[] {"--node-public=http://n:1"}).get("node-public"));
    }

    @Test
    void anUnknownFlagIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> DemoMain.parse(new String[] {"--prot=9000"}));
        assertEquals("unknown flag --prot", refused.getMessage());
    }

    @Test
    void helpListsEveryFlag() {
        String help = DemoMain.help(new BuildInfo("1.2.3", "abcdef123456"));
        assertTrue(help.startsWith("wildcloud-websockets demo 1.2.3 (commit abcdef123456)\n\nUsage: "), help);
        DemoSettings.FLAGS.forEach(flag -> assertTrue(help.contains("\n  --" + flag.name() + "\n      default: "), flag.name()));
    }
}
