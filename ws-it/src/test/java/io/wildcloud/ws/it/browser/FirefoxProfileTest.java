package io.wildcloud.ws.it.browser;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Firefox profile keeps all of Firefox's files in one directory, which deleting removes. */
class FirefoxProfileTest {

    @Test
    void userJsAndEnvironmentPointIntoTheThrowawayDirectory() throws Exception {
        FirefoxProfile profile = FirefoxProfile.create();
        Path root = profile.root();
        try {
            List<String> userJs = Files.readAllLines(profile.profile().resolve("user.js"));
            assertTrue(userJs.contains("user_pref(\"browser.startup.homepage\", \"about:blank\");"), userJs.toString());
            assertTrue(userJs.contains("user_pref(\"dom.min_background_timeout_value_without_budget_throttling\", 4);"),
                    userJs.toString());
            assertTrue(userJs.contains("user_pref(\"app.normandy.enabled\", false);"), userJs.toString());
            for (String variable : List.of("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "TMPDIR")) {
                assertTrue(Path.of(profile.environment().get(variable)).startsWith(root), variable);
            }
            Files.writeString(Path.of(profile.environment().get("TMPDIR")).resolve("left-by-firefox"), "x");
        } finally {
            profile.delete();
        }
        assertFalse(Files.exists(root));
    }
}
