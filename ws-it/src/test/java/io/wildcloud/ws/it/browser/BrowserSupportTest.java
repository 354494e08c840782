package io.wildcloud.ws.it.browser;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A machine without a browser skips the browser tests with what to install; CI fails instead. */
class BrowserSupportTest {

    @TempDir
    Path dir;

    @Test
    void missingBrowserSkipsWithWhatToInstall() {
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> BrowserSupport.requireBrowser(dir.resolve("chromium"), dir.resolve("chromedriver"), null));
        assertTrue(skipped.getMessage().contains("apt-get install chromium chromium-driver"), skipped.getMessage());
    }

    @Test
    void missingBrowserFailsInCi() throws IOException {
        Path chromium = executable("chromium");
        AssertionFailedError failed = assertThrows(AssertionFailedError.class,
                () -> BrowserSupport.requireBrowser(chromium, dir.resolve("chromedriver"), "true"));
        assertTrue(failed.getMessage().contains("CI=true"), failed.getMessage());
    }

    @Test
    void bothPresentRuns() throws IOException {
        assertDoesNotThrow(() -> BrowserSupport.requireBrowser(executable("chromium"), executable("chromedriver"), "true"));
    }

    private Path executable(String name) throws IOException {
        return Files.createFile(dir.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
