package io.wildcloud.ws.it.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Firefox leaves nothing behind: every process it started ends, its throwaway directory goes. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FirefoxProcessTest {

    @Test
    void closeEndsTheWholeTreeAndDeletesTheProfile() throws Exception {
        BrowserSupport.requireFirefox();
        FirefoxProcess firefox = FirefoxProcess.start(BrowserSupport.FIREFOX);
        List<ProcessHandle> tree;
        Path directory = firefox.directory();
        try {
            assertEquals("ws", firefox.bidi().getScheme());
            assertEquals("127.0.0.1", firefox.bidi().getHost());
            assertTrue(Files.isRegularFile(directory.resolve("profile/user.js")));
            tree = firefox.tree();
        } finally {
            firefox.close();
        }
        assertTrue(tree.size() > 1, "Firefox starts processes below itself (fork server, content): " + tree);
        for (ProcessHandle handle : tree) {
            assertFalse(FirefoxProcess.running(handle), "still running: " + handle.pid() + " " + handle.info());
        }
        assertFalse(Files.exists(directory), directory + " was deleted");
    }
}
